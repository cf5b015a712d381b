// ma through a Session: increment and decrement, N/J auto-creation, D, M, T, t, c, q, and
// the long opaque that memcached answers only after applying the change.
#include <cstdint>
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using MetaArithmetic = SessionTest;

TEST_F(MetaArithmetic, AMissAnswersNF) { EXPECT_EQ(send("ma n\r\nma n v Oab k\r\n"), "NF\r\nNF Oab kn\r\n"); }

TEST_F(MetaArithmetic, IncrementsByOneByDefault) {
  send("set n 0 0 2\r\n10\r\n");
  EXPECT_EQ(send("ma n\r\nma n v\r\n"), "HD\r\nVA 2\r\n12\r\n");
}

TEST_F(MetaArithmetic, DSetsTheDeltaAndMTheDirection) {
  send("set n 0 0 2\r\n10\r\n");
  EXPECT_EQ(send("ma n D5 v\r\nma n MD D3 v\r\nma n M- v\r\nma n M+ v\r\nma n MI D100 v\r\n"),
            "VA 2\r\n15\r\nVA 2\r\n12\r\nVA 2\r\n11\r\nVA 2\r\n12\r\nVA 3\r\n112\r\n");
}

TEST_F(MetaArithmetic, DecrementStopsAtZeroAndIncrementWraps) {
  send("set n 0 0 1\r\n5\r\nset w 0 0 20\r\n18446744073709551615\r\n");
  EXPECT_EQ(send("ma n MD D9 v\r\nma w D2 v\r\n"), "VA 1\r\n0\r\nVA 1\r\n1\r\n");
}

TEST_F(MetaArithmetic, NCreatesTheItemWithJAsItsValue) {
  EXPECT_EQ(send("ma n N0 J18446744073709551615 v\r\nma n v\r\n"), "VA 20\r\n18446744073709551615\r\nVA 1\r\n0\r\n");
  EXPECT_EQ(send("ma m N0 v\r\n"), "VA 1\r\n0\r\n");
  EXPECT_EQ(send("ma m N0 J7 v\r\n"), "VA 1\r\n1\r\n");  // J only seeds a new item
}

TEST_F(MetaArithmetic, ReturnFlagsComeInRequestOrder) {
  send("set n 0 100 1\r\n1\r\n");
  const std::string reply = send("ma n v t Oab c k\r\n");
  EXPECT_EQ(reply, "VA 1 t100 Oab c" + std::to_string(cas_of("n")) + " kn\r\n2\r\n");
}

TEST_F(MetaArithmetic, ATBeforeTouchShowsTheOldTtlAndAfterTheNew) {
  send("set n 0 100 1\r\n1\r\n");
  EXPECT_EQ(send("ma n t T200\r\nmg n t\r\nma n T300 t\r\n"), "HD t100\r\nHD t200\r\nHD t300\r\n");
}

TEST_F(MetaArithmetic, OnANewItemTheLaterOfNAndTSetsTheTtl) {
  EXPECT_EQ(send("ma a t N50 T100 v\r\nmg a t\r\n"), "VA 1 t-1\r\n0\r\nHD t100\r\n");
  EXPECT_EQ(send("ma b T100 N50 t\r\nmg b t\r\n"), "HD t50\r\nHD t50\r\n");
  EXPECT_EQ(send("ma c N50 t T100\r\nmg c t\r\n"), "HD t50\r\nHD t100\r\n");
}

TEST_F(MetaArithmetic, CComparesOnlyWhenNotZero) {
  send("set n 0 0 1\r\n1\r\n");
  EXPECT_EQ(send("ma n C1\r\nma n C0 v\r\n"), "EX\r\nVA 1\r\n2\r\n");
  EXPECT_EQ(send("ma n C" + std::to_string(cas_of("n")) + " v\r\n"), "VA 1\r\n3\r\n");
  EXPECT_EQ(send("ma nothing C0\r\n"), "NF\r\n");
}

TEST_F(MetaArithmetic, QuietHidesOnlyAnOrdinarySuccess) {
  send("set n 0 0 1\r\n1\r\n");
  EXPECT_EQ(send("ma n q\r\nma n q v\r\nma x q\r\nma n q C1\r\nma y q N0\r\nma y q\r\nmn\r\n"),
            "NF\r\nEX\r\nHD\r\nMN\r\n");
  EXPECT_EQ(value_of("n"), "3");
}

TEST_F(MetaArithmetic, ANonNumericValueIsAnError) {
  send("set t 0 0 2\r\nab\r\nset e 0 0 0\r\n\r\n");
  const std::string error = "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n";
  EXPECT_EQ(send("ma t\r\nma t q\r\nma e\r\n"), error + error + error);
}

TEST_F(MetaArithmetic, ALongOpaqueIsAnsweredAfterTheChangeIsMade) {
  const std::string too_long = "O" + std::string(32, 'o');
  EXPECT_EQ(send("ma n N0 J5 q " + too_long + "\r\nmg n v\r\n"), "CLIENT_ERROR opaque token too long\r\nVA 1\r\n5\r\n");
  EXPECT_EQ(send("ma n q " + too_long + "\r\nmg n v\r\n"), "CLIENT_ERROR opaque token too long\r\nVA 1\r\n6\r\n");
  EXPECT_EQ(send("ma x " + too_long + "\r\n"), "CLIENT_ERROR opaque token too long\r\n");
}

TEST_F(MetaArithmetic, TAfterALongOpaqueIsNeverReached) {
  send("set n 0 100 1\r\n1\r\n");
  const std::string too_long = "O" + std::string(32, 'o');
  EXPECT_EQ(send("ma n T5 " + too_long + "\r\nmg n t\r\n"), "CLIENT_ERROR opaque token too long\r\nHD t5\r\n");
  EXPECT_EQ(send("ma n " + too_long + " T9\r\nmg n t v\r\n"), "CLIENT_ERROR opaque token too long\r\nVA 1 t5\r\n3\r\n");
}

TEST_F(MetaArithmetic, FlagErrorsAreInvalidOrDuplicateAndModesHaveTheirOwn) {
  EXPECT_EQ(send("ma n Dx\r\nma n D-1\r\nma n Mxy\r\nma n Mi\r\n"),
            "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n"
            "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid mode for ma M token\r\n");
}

TEST_F(MetaArithmetic, ABase64KeyIsEchoedAsItWasAsked) {
  EXPECT_EQ(send("ma YmF6 b N0 k\r\nmg baz k\r\n"), "HD kYmF6 b\r\nHD kbaz\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
