// ms through a Session: modes, CAS, invalidation, returned flags, `q`, and which errors
// skip the data block, as memcached 1.6.18.
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using MetaSet = SessionTest;

TEST_F(MetaSet, StoresTheValueAndAnswersHD) {
  EXPECT_EQ(send("ms k 5\r\nhello\r\n"), "HD\r\n");
  EXPECT_EQ(value_of("k"), "hello");
}

TEST_F(MetaSet, FSetsClientFlagsAndTTheTtl) {
  EXPECT_EQ(send("ms k 2 F9 T100\r\nhi\r\nmg k f t v\r\n"), "HD\r\nVA 2 f9 t100\r\nhi\r\n");
  EXPECT_EQ(send("ms k 2 F4294967296\r\nhi\r\nmg k f\r\n"), "HD\r\nHD f0\r\n");  // 32-bit flags
}

TEST_F(MetaSet, ANegativeTtlStoresAnExpiredItem) {
  EXPECT_EQ(send("ms k 1 T-1\r\nx\r\nmg k\r\n"), "HD\r\nEN\r\n");
}

TEST_F(MetaSet, AnEmptyValueIsStored) { EXPECT_EQ(send("ms k 0\r\n\r\nmg k v\r\n"), "HD\r\nVA 0\r\n\r\n"); }

TEST_F(MetaSet, ClassicAndMetaCommandsShareItems) {
  EXPECT_EQ(send("set k 5 0 2\r\nhi\r\nmg k f v\r\n"), "STORED\r\nVA 2 f5\r\nhi\r\n");
  EXPECT_EQ(send("ms k 2 F7\r\nyo\r\nget k\r\n"), "HD\r\nVALUE k 7 2\r\nyo\r\nEND\r\n");
}

TEST_F(MetaSet, ReturnsCasKeyAndOpaqueInRequestOrder) {
  const std::string reply = send("ms k 1 c Oab k\r\nx\r\n");
  EXPECT_EQ(reply, "HD c" + std::to_string(cas_of("k")) + " Oab kk\r\n");
  EXPECT_EQ(send("ms k 1 k Oab\r\nx\r\n"), "HD kk Oab\r\n");
}

TEST_F(MetaSet, CIsZeroWhenNothingWasStored) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("ms k 1 ME c k\r\ny\r\n"), "NS c0 kk\r\n");
}

TEST_F(MetaSet, OtherFlagsAreAcceptedAndIgnored) {
  EXPECT_EQ(send("ms k 1 v t s h l u N1 R1 D1 J1 P L f\r\nx\r\n"), "HD\r\n");
}

TEST_F(MetaSet, ModeEAddsOnlyAMissingKey) {
  EXPECT_EQ(send("ms k 1 ME\r\na\r\nms k 1 ME\r\nb\r\n"), "HD\r\nNS\r\n");
  EXPECT_EQ(value_of("k"), "a");
}

TEST_F(MetaSet, ModeRReplacesOnlyAnExistingKey) {
  EXPECT_EQ(send("ms k 1 MR\r\na\r\nms k 1\r\na\r\nms k 1 MR\r\nb\r\n"), "NS\r\nHD\r\nHD\r\n");
  EXPECT_EQ(value_of("k"), "b");
}

TEST_F(MetaSet, ModesAAndPAppendAndPrepend) {
  EXPECT_EQ(send("ms k 1 MA\r\nx\r\n"), "NS\r\n");
  EXPECT_EQ(send("ms k 1 MS\r\nx\r\nms k 1 MA\r\ny\r\nms k 1 MP\r\nz\r\nmg k v\r\n"), "HD\r\nHD\r\nHD\r\nVA 3\r\nzxy\r\n");
}

TEST_F(MetaSet, ModesAreUpperCaseOnlyAndAnInvalidOneSkipsTheData) {
  EXPECT_EQ(send("ms k 1 Ms\r\nx\r\nms k 1 MX Oab k\r\nx\r\nmn\r\n"),
            "CLIENT_ERROR invalid mode for ms M token\r\nCLIENT_ERROR invalid mode for ms M token\r\nMN\r\n");
}

TEST_F(MetaSet, CStoresOnlyOverTheSameCas) {
  send("ms k 1\r\nx\r\n");
  const std::string c = std::to_string(cas_of("k"));
  EXPECT_EQ(send("ms k 1 C1\r\ny\r\nms nothing 1 C1\r\ny\r\n"), "EX\r\nNF\r\n");
  EXPECT_EQ(send("ms k 1 C" + c + "\r\ny\r\n"), "HD\r\n");
  EXPECT_EQ(value_of("k"), "y");
  EXPECT_EQ(send("ms k 1 C0\r\nz\r\n"), "EX\r\n");  // as `cas k 0 0 1 0`
}

TEST_F(MetaSet, CWithReplaceIsCasAndWithAppendIsChecked) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("ms k 1 MR C1\r\ny\r\nms k 1 MA C1\r\ny\r\nms k 1 MA C0\r\ny\r\n"), "EX\r\nEX\r\nHD\r\n");
  EXPECT_EQ(value_of("k"), "xy");
}

TEST_F(MetaSet, IWithAnOlderCasStoresAStaleValueKeepingTheTtlAndToken) {
  send("ms k 1 T100\r\nx\r\n");
  EXPECT_EQ(send("md k I\r\nmg k\r\n"), "HD\r\nHD X W\r\n");
  const std::string stored = send("ms k 1 C1 I c\r\ny\r\n");
  EXPECT_EQ(stored, "HD c" + std::to_string(cas_of("k")) + "\r\n");
  EXPECT_EQ(send("mg k v t\r\n"), "VA 1 t100 Z X\r\ny\r\n");
}

TEST_F(MetaSet, IWithoutCIsIgnored) {
  EXPECT_EQ(send("ms k 1 I\r\nx\r\nmg k\r\n"), "HD\r\nHD\r\n");
}

TEST_F(MetaSet, QuietHidesOnlyHD) {
  send("ms k 1\r\nx\r\n");
  EXPECT_EQ(send("ms k 1 q\r\ny\r\nms k 1 q ME\r\nz\r\nms k 1 q C1\r\nz\r\nms n 1 q MR\r\nz\r\nmn\r\n"),
            "NS\r\nEX\r\nNS\r\nMN\r\n");
}

TEST_F(MetaSet, QuietNeverHidesABadDataChunk) {
  EXPECT_EQ(send("ms k 1 q\r\nxyz\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
}

TEST_F(MetaSet, ErrorsBeforeTheLengthIsReadLeaveTheDataToBeReadAsACommand) {
  EXPECT_EQ(send("ms\r\n"), "ERROR\r\n");
  EXPECT_EQ(send("ms k\r\nxx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("ms k x\r\nxx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("ms k -1\r\nxx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("ms " + std::string(251, 'k') + " 1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("ms k 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\nx\r\n"),
            "CLIENT_ERROR options flags too long\r\nERROR\r\n");
}

TEST_F(MetaSet, FlagErrorsSkipTheDataBlock) {
  const std::string too_long = "O" + std::string(32, 'o');
  EXPECT_EQ(send("ms k 2 Zz\r\nxx\r\nms k 2 q q\r\nxx\r\nms k 2 Tx\r\nxx\r\nms k 2 F-1\r\nxx\r\n"
                 "ms k 2 MEE\r\nxx\r\nms k 2 " + too_long + "\r\nxx\r\nms Zm9 2 b\r\nxx\r\nmn\r\n"),
            "CLIENT_ERROR invalid flag\r\nCLIENT_ERROR duplicate flag\r\n"
            "CLIENT_ERROR bad token in command line format\r\nCLIENT_ERROR bad command line format\r\n"
            "CLIENT_ERROR incorrect length for M token\r\nCLIENT_ERROR opaque token too long\r\n"
            "CLIENT_ERROR error decoding key\r\nMN\r\n");
  EXPECT_EQ(value_of("k"), "<miss>");
}

TEST_F(MetaSet, TheSkippedDataMayHoldCommandsAndArriveInPieces) {
  EXPECT_EQ(send_chunks({"ms k 10 Zz\r\nmn", "\r\nmn\r\n", "mn\r\nmn\r\n"}), "CLIENT_ERROR invalid flag\r\nMN\r\n");
}

TEST_F(MetaSet, TooLargeSkipsTheDataAndDropsTheOldValueInEveryMode) {
  const std::string big(2 * kMiB, 'y');
  for (const char* mode : {"", " ME", " MA", " MR"}) {
    send("ms k 1\r\nx\r\n");
    EXPECT_EQ(send("ms k " + std::to_string(big.size()) + mode + " q\r\n" + big + "\r\nmn\r\n"),
              "SERVER_ERROR object too large for cache\r\nMN\r\n")
        << mode;
    EXPECT_EQ(value_of("k"), "<miss>") << mode;
  }
}

TEST_F(MetaSet, ABadDataChunkIsReportedAndTheRestReadAsCommands) {
  EXPECT_EQ(send("ms k 3\r\nabcde\r\nmg k\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\nEN\r\n");
}

TEST_F(MetaSet, AKeyInBase64IsStoredDecodedAndShownEncoded) {
  const std::string stored = send("ms Zm9v 3 b k c\r\nbar\r\n");
  EXPECT_EQ(stored, "HD kZm9v b c" + std::to_string(cas_of("foo")) + "\r\n");
  EXPECT_EQ(value_of("foo"), "bar");
}

TEST_F(MetaSet, TheValueMayBeReadStraightIntoTheItem) {
  const std::string replies = send_chunks({"ms k 10 c\r\n01234", "56789\r", "\nmg k v\r\n"}, true);
  EXPECT_EQ(replies, "HD c" + std::to_string(cas_of("k")) + "\r\nVA 10\r\n0123456789\r\n");
}

TEST_F(MetaSet, CountsASetPerDataBlock) {
  send("ms k 1\r\nx\r\nms k 1 Zz\r\nx\r\nms k 1 ME\r\ny\r\n");
  EXPECT_EQ(server_.commands.cmd_set.get(), 2u);
}

}  // namespace
}  // namespace memstripe::protocol::testing
