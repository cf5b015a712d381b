// delete, incr, decr and touch through a Session.
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using KeyCommands = SessionTest;

TEST_F(KeyCommands, DeleteRemovesTheItem) {
  send("set a 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("delete a\r\ndelete a\r\nget a\r\n"), "DELETED\r\nNOT_FOUND\r\nEND\r\n");
}

TEST_F(KeyCommands, DeleteAcceptsAZeroHoldTimeAndNoreply) {
  send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\nx\r\nset c 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("delete a 0\r\ndelete b noreply\r\ndelete c 0 noreply\r\nget a b c\r\n"), "DELETED\r\nEND\r\n");
}

TEST_F(KeyCommands, DeleteWithAHoldTimeAnswersTheUsage) {
  EXPECT_EQ(send("delete a 1\r\n"), "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
  EXPECT_EQ(send("delete a 0 x\r\n"), "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
  EXPECT_EQ(send("delete a 1 noreply\r\ndelete a x noreply\r\n"), "");
  EXPECT_EQ(send("delete a x y z\r\ndelete\r\n"), "ERROR\r\nERROR\r\n");
}

TEST_F(KeyCommands, DeleteOfATooLongKeyIsABadCommandLine) {
  const std::string key(251, 'k');
  EXPECT_EQ(send("delete " + key + "\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(send("delete " + key + " 1\r\n"),
            "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n");
}

TEST_F(KeyCommands, IncrAndDecrAnswerTheNewValue) {
  send("set n 0 0 2\r\n10\r\n");
  EXPECT_EQ(send("incr n 5\r\ndecr n 3\r\ndecr n 100\r\nget n\r\n"), "15\r\n12\r\n0\r\nVALUE n 0 2\r\n0 \r\nEND\r\n");
}

TEST_F(KeyCommands, IncrWrapsAtTwoToTheSixtyFour) {
  send("set n 0 0 20\r\n18446744073709551615\r\n");
  EXPECT_EQ(send("incr n 2\r\n"), "1\r\n");
}

TEST_F(KeyCommands, DecrPadsAShrunkValueWithSpaces) {
  send("set m 0 0 3\r\n100\r\n");
  EXPECT_EQ(send("decr m 1\r\nget m\r\n"), "99\r\nVALUE m 0 3\r\n99 \r\nEND\r\n");
}

TEST_F(KeyCommands, IncrOfAMissingKeyIsNotFound) {
  EXPECT_EQ(send("incr nx 1\r\ndecr nx 1\r\n"), "NOT_FOUND\r\nNOT_FOUND\r\n");
}

TEST_F(KeyCommands, IncrOfANonNumericValueIsAClientError) {
  send("set t 0 0 2\r\nab\r\nset e 0 0 0\r\n\r\n");
  EXPECT_EQ(send("incr t 1\r\nincr e 1\r\n"),
            "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n"
            "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n");
}

TEST_F(KeyCommands, IncrWithABadDeltaIsAClientError) {
  send("set n 0 0 1\r\n1\r\n");
  EXPECT_EQ(send("incr n -1\r\nincr n 18446744073709551616\r\nincr n abc\r\nincr n 5x\r\n"),
            "CLIENT_ERROR invalid numeric delta argument\r\n"
            "CLIENT_ERROR invalid numeric delta argument\r\n"
            "CLIENT_ERROR invalid numeric delta argument\r\n"
            "CLIENT_ERROR invalid numeric delta argument\r\n");
}

TEST_F(KeyCommands, IncrReadsTheDeltaAsMemcachedDoes) {
  send("set n 0 0 1\r\n1\r\n");
  EXPECT_EQ(send("incr n +3\r\nincr n \t4\r\nincr n 5\t\r\n"), "4\r\n8\r\n13\r\n");
}

TEST_F(KeyCommands, IncrTokenCountsAndNoreply) {
  send("set n 0 0 1\r\n1\r\nset t 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("incr n\r\nincr n 1 x y\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(send("incr n 1 noreply\r\nincr t 1 noreply\r\nincr n 1 x\r\n"), "3\r\n");
  EXPECT_EQ(send("incr " + std::string(251, 'k') + " 1\r\n"), "CLIENT_ERROR bad command line format\r\n");
}

TEST_F(KeyCommands, TouchSetsANewExptime) {
  send("set a 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("touch a 10\r\ntouch b 10\r\n"), "TOUCHED\r\nNOT_FOUND\r\n");
  EXPECT_EQ(send("debug_advance_clock 11\r\nget a\r\n"), "OK\r\nEND\r\n");
}

TEST_F(KeyCommands, TouchErrorsAndNoreply) {
  send("set a 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("touch a\r\ntouch a x\r\ntouch a 10 noreply\r\ntouch a 10 zz\r\n"),
            "ERROR\r\nCLIENT_ERROR invalid exptime argument\r\nTOUCHED\r\n");
  EXPECT_EQ(send("touch " + std::string(251, 'k') + " 1\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(send("touch a -1\r\nget a\r\n"), "TOUCHED\r\nEND\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
