// md through a Session: deleting, comparing the CAS, invalidating, `q`, as memcached 1.6.18.
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using MetaDelete = SessionTest;

TEST_F(MetaDelete, DeletesAndAnswersHDThenNF) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("md k\r\nmd k\r\nmg k\r\n"), "HD\r\nNF\r\nEN\r\n");
}

TEST_F(MetaDelete, EchoesTheOpaqueAndTheKeyInRequestOrder) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("md k Oab k\r\nmd k k Oab\r\n"), "HD Oab kk\r\nNF kk Oab\r\n");
}

TEST_F(MetaDelete, QuietHidesOnlyHD) {
  send("ms k 1\r\nx\r\nms j 1\r\nx\r\n");
  EXPECT_EQ(send("md k q\r\nmd k q\r\nmd j q C1\r\nmn\r\n"), "NF\r\nEX\r\nMN\r\n");
}

TEST_F(MetaDelete, CDeletesOnlyTheSameCas) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("md k C1\r\n"), "EX\r\n");
  EXPECT_EQ(send("md k C" + std::to_string(cas_of("k")) + "\r\n"), "HD\r\n");
  EXPECT_EQ(send("md k C1\r\n"), "NF\r\n");
}

TEST_F(MetaDelete, CZeroComparesToo) {
  // Unlike ma and ms, memcached's md compares a C of 0 with the item's CAS.
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("md k C0\r\nmg k\r\n"), "EX\r\nHD\r\n");
}

TEST_F(MetaDelete, IMarksTheItemStaleWithANewCasInsteadOfDeleting) {
  send("ms k 1 T100\r\nx\r\n");
  const std::string before = std::to_string(cas_of("k"));
  EXPECT_EQ(send("md k I\r\n"), "HD\r\n");
  const std::string reply = send("mg k v t c\r\n");
  EXPECT_EQ(reply.substr(0, 11), "VA 1 t100 c");
  EXPECT_NE(reply, "VA 1 t100 c" + before + " X W\r\nx\r\n");
  EXPECT_EQ(reply.substr(reply.size() - 9), " X W\r\nx\r\n");
}

TEST_F(MetaDelete, TUpdatesTheTtlOnlyWithI) {
  send("ms k 1 T100\r\nx\r\n");
  EXPECT_EQ(send("md k I T30 q\r\nmg k t\r\n"), "HD t30 X W\r\n");
  send("ms j 1 T100\r\nx\r\n");
  EXPECT_EQ(send("md j T30\r\nmg j t\r\n"), "HD\r\nEN\r\n");
}

TEST_F(MetaDelete, InvalidatingAgainLetsTheNextReaderWinAgain) {
  send("ms k 1\r\nx\r\nmd k I\r\nmg k\r\n");
  EXPECT_EQ(send("mg k\r\nmd k I\r\nmg k\r\n"), "HD Z X\r\nHD\r\nHD X W\r\n");
}

TEST_F(MetaDelete, EveryFlagErrorIsInvalidOrDuplicate) {
  EXPECT_EQ(send("md k Zz\r\nmd k q q\r\nmd k Tx\r\nmd Zm9 b\r\nmd k E\r\n"),
            "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n"
            "CLIENT_ERROR invalid or duplicate flag\r\nCLIENT_ERROR invalid or duplicate flag\r\n"
            "CLIENT_ERROR invalid or duplicate flag\r\n");
}

TEST_F(MetaDelete, ALongOpaqueIsRefusedBeforeDeleting) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("md k q O" + std::string(32, 'o') + "\r\nmg k\r\n"), "CLIENT_ERROR opaque token too long\r\nHD\r\n");
}

TEST_F(MetaDelete, LineErrors) {
  EXPECT_EQ(send("md\r\n"), "ERROR\r\n");
  EXPECT_EQ(send("md " + std::string(251, 'k') + "\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(send("md k 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\n"), "CLIENT_ERROR options flags too long\r\n");
}

TEST_F(MetaDelete, ABase64KeyIsEchoedInBase64) {
  send("ms foo 1\r\nx\r\n");
  EXPECT_EQ(send("md Zm9v b k\r\nmd YQ== b k\r\n"), "HD kZm9v b\r\nNF kYQ== b\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
