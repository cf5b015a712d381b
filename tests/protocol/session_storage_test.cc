// set, add, replace, append, prepend and cas through a Session: exact reply bytes, data
// blocks, noreply, and every error memcached 1.6.18 gives.
#include <string>

#include "protocol/output_queue.h"
#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using StorageCommands = SessionTest;

TEST_F(StorageCommands, SetStoresTheValueAndAnswersStored) {
  EXPECT_EQ(send("set k 5 0 5\r\nhello\r\n"), "STORED\r\n");
  EXPECT_EQ(value_of("k"), "hello");
  EXPECT_EQ(send("get k\r\n"), "VALUE k 5 5\r\nhello\r\nEND\r\n");
}

TEST_F(StorageCommands, DataBlockMayContainCrLfOnlyTheLengthCounts) {
  EXPECT_EQ(send("set k 0 0 6\r\nab\r\ncd\r\nget k\r\n"), "STORED\r\nVALUE k 0 6\r\nab\r\ncd\r\nEND\r\n");
}

TEST_F(StorageCommands, EmptyValueIsStored) {
  EXPECT_EQ(send("set e 0 0 0\r\n\r\nget e\r\n"), "STORED\r\nVALUE e 0 0\r\n\r\nEND\r\n");
}

TEST_F(StorageCommands, AddStoresOnlyAMissingKey) {
  EXPECT_EQ(send("add k 0 0 1\r\na\r\nadd k 0 0 1\r\nb\r\n"), "STORED\r\nNOT_STORED\r\n");
  EXPECT_EQ(value_of("k"), "a");
}

TEST_F(StorageCommands, ReplaceStoresOnlyAnExistingKey) {
  EXPECT_EQ(send("replace k 0 0 1\r\na\r\n"), "NOT_STORED\r\n");
  EXPECT_EQ(send("set k 0 0 1\r\na\r\nreplace k 0 0 1\r\nb\r\n"), "STORED\r\nSTORED\r\n");
  EXPECT_EQ(value_of("k"), "b");
}

TEST_F(StorageCommands, AppendAndPrependKeepTheOldFlags) {
  EXPECT_EQ(send("append k 0 0 1\r\nx\r\n"), "NOT_STORED\r\n");
  EXPECT_EQ(send("set k 5 0 1\r\nx\r\nappend k 7 0 2\r\nyz\r\nprepend k 9 0 2\r\nuv\r\nget k\r\n"),
            "STORED\r\nSTORED\r\nSTORED\r\nVALUE k 5 5\r\nuvxyz\r\nEND\r\n");
}

TEST_F(StorageCommands, CasStoresOnlyWithTheCurrentCasUnique) {
  send("set k 0 0 1\r\nx\r\n");
  const std::uint64_t cas = cas_of("k");
  EXPECT_EQ(send("cas k 0 0 1 " + std::to_string(cas + 1) + "\r\ny\r\n"), "EXISTS\r\n");
  EXPECT_EQ(send("cas k 0 0 1 " + std::to_string(cas) + "\r\ny\r\n"), "STORED\r\n");
  EXPECT_EQ(value_of("k"), "y");
  EXPECT_EQ(send("cas missing 0 0 1 1\r\ny\r\n"), "NOT_FOUND\r\n");
  EXPECT_EQ(send("cas k 0 0 1 0\r\nz\r\n"), "EXISTS\r\n");
}

TEST_F(StorageCommands, NoreplySetSendsNothing) {
  EXPECT_EQ(send("set k 0 0 1 noreply\r\nx\r\nadd k 0 0 1 noreply\r\ny\r\nreplace zz 0 0 1 noreply\r\ny\r\n"
                 "append k 0 0 1 noreply\r\nb\r\nprepend k 0 0 1 noreply\r\nc\r\nget k\r\n"),
            "VALUE k 0 3\r\ncxb\r\nEND\r\n");
}

TEST_F(StorageCommands, NoreplyCasSendsNothingEvenWhenItFails) {
  send("set k 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("cas k 0 0 1 1 noreply\r\ny\r\nversion\r\n"), "VERSION 1.6.18\r\n");
}

TEST_F(StorageCommands, AnExtraTokenWhereNoreplyGoesIsIgnored) {
  EXPECT_EQ(send("set k 0 0 1 garbage\r\nx\r\n"), "STORED\r\n");
  send("set c 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("cas c 0 0 1 1 garbage\r\nz\r\n"), "EXISTS\r\n");
}

TEST_F(StorageCommands, ATokenAfterNoreplyIsAnErrorAndTheDataLineIsReadAsACommand) {
  EXPECT_EQ(send("set k 0 0 1 noreply extra\r\nx\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(send("cas k 0 0 1 1 noreply x\r\ny\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(send("set k 0 0\r\nx\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(send("cas k 0 0 1\r\ny\r\n"), "ERROR\r\nERROR\r\n");
}

TEST_F(StorageCommands, BadCommandLineDoesNotSwallowTheDataBlock) {
  const std::string long_key(251, 'k');
  EXPECT_EQ(send("set " + long_key + " 0 0 1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("set k x 0 1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("set k 0 x 1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("set k 0 0 x\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("set k 0 0 -1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("set k -1 0 1\r\nx\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(send("cas k 0 0 1 x\r\ny\r\n"), "CLIENT_ERROR bad command line format\r\nERROR\r\n");
  EXPECT_EQ(value_of("k"), "<miss>");
}

TEST_F(StorageCommands, NoreplyHidesTheBadCommandLineErrorButNotTheDataLinesError) {
  const std::string long_key(251, 'k');
  EXPECT_EQ(send("set " + long_key + " 0 0 1 noreply\r\nx\r\n"), "ERROR\r\n");
}

TEST_F(StorageCommands, FlagsAreReadAsSixtyFourBitsAndTruncated) {
  EXPECT_EQ(send("set k 4294967296 0 1\r\nx\r\nget k\r\n"), "STORED\r\nVALUE k 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("set k 18446744073709551615 0 1\r\nx\r\nget k\r\n"),
            "STORED\r\nVALUE k 4294967295 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("set k +5 0 1\r\nx\r\nget k\r\n"), "STORED\r\nVALUE k 5 1\r\nx\r\nEND\r\n");
}

TEST_F(StorageCommands, ALengthOf4294967297IsReadAsOne) {
  EXPECT_EQ(send("set k 0 0 4294967297\r\nx\r\nget k\r\n"), "STORED\r\nVALUE k 0 1\r\nx\r\nEND\r\n");
}

TEST_F(StorageCommands, ExptimeIsTruncatedToThirtyTwoBits) {
  // 4294967296 is 0 (never expires); 4294967295 is -1 (already expired).
  EXPECT_EQ(send("set k 0 4294967296 1\r\ny\r\nget k\r\n"), "STORED\r\nVALUE k 0 1\r\ny\r\nEND\r\n");
  EXPECT_EQ(send("set k 0 4294967295 1\r\nz\r\nget k\r\n"), "STORED\r\nEND\r\n");
  EXPECT_EQ(send("set k 0 -1 1\r\nz\r\nget k\r\n"), "STORED\r\nEND\r\n");
}

TEST_F(StorageCommands, AnItemExpiresAfterItsExptime) {
  EXPECT_EQ(send("set k 0 10 1\r\nx\r\n"), "STORED\r\n");
  EXPECT_EQ(send("debug_advance_clock 9\r\nget k\r\n"), "OK\r\nVALUE k 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("debug_advance_clock 2\r\nget k\r\n"), "OK\r\nEND\r\n");
}

TEST_F(StorageCommands, BadDataChunkIsAnErrorAndTheRestIsReadAsCommands) {
  // memcached reads exactly length + 2 bytes: "abcde" ends in "de", not "\r\n".
  EXPECT_EQ(send("set k 0 0 3\r\nabcde\r\nget k\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\nEND\r\n");
  EXPECT_EQ(send("set k 0 0 3\r\nab\r\n\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(send("set k 0 0 1\r\nx\nget k\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(send("set k 0 0 0\r\nxy\r\n"), "CLIENT_ERROR bad data chunk\r\nERROR\r\n");
  EXPECT_EQ(value_of("k"), "<miss>");
}

TEST_F(StorageCommands, NoreplyHidesBadDataChunk) {
  EXPECT_EQ(send("set k 0 0 3 noreply\r\nabcde\r\n"), "ERROR\r\n");
}

TEST_F(StorageCommands, TooLargeSwallowsTheDataBlockAndDropsTheOldValueOfSet) {
  const std::string big(2 * kMiB, 'y');
  EXPECT_EQ(send("set k 0 0 1\r\nx\r\nset k 0 0 " + std::to_string(big.size()) + "\r\n" + big + "\r\nget k\r\n"),
            "STORED\r\nSERVER_ERROR object too large for cache\r\nEND\r\n");
}

TEST_F(StorageCommands, TooLargeWithNoreplySendsNothingButStillDropsTheOldValue) {
  const std::string big(2 * kMiB, 'y');
  EXPECT_EQ(send("set k 0 0 1\r\nx\r\nset k 0 0 " + std::to_string(big.size()) + " noreply\r\n" + big +
                 "\r\nget k\r\n"),
            "STORED\r\nEND\r\n");
}

TEST_F(StorageCommands, TooLargeKeepsTheOldValueForOtherModes) {
  const std::string big(2 * kMiB, 'y');
  const std::string length = std::to_string(big.size());
  send("set k 0 0 1\r\nx\r\n");
  for (const std::string command : {"add k 0 0 ", "replace k 0 0 ", "append k 0 0 ", "prepend k 0 0 "}) {
    EXPECT_EQ(send(command + length + "\r\n" + big + "\r\nget k\r\n"),
              "SERVER_ERROR object too large for cache\r\nVALUE k 0 1\r\nx\r\nEND\r\n")
        << command;
  }
  EXPECT_EQ(send("cas k 0 0 " + length + " 1\r\n" + big + "\r\nget k\r\n"),
            "SERVER_ERROR object too large for cache\r\nVALUE k 0 1\r\nx\r\nEND\r\n");
}

TEST_F(StorageCommands, TooLargeSwallowsABlockThatArrivesInPieces) {
  const std::string big(3 * kMiB, 'q');
  const std::string line = "set k 0 0 " + std::to_string(big.size()) + "\r\n";
  std::vector<std::string_view> chunks{line};
  for (std::size_t at = 0; at < big.size(); at += 100000) chunks.push_back(std::string_view(big).substr(at, 100000));
  chunks.push_back("\r\nversion\r\n");
  EXPECT_EQ(send_chunks(chunks), "SERVER_ERROR object too large for cache\r\nVERSION 1.6.18\r\n");
}

TEST_F(StorageCommands, ValueThatFillsTheItemLimitExactlyIsStored) {
  const std::size_t largest = cache_->max_value_length(1, 0);
  const std::string value(largest, 'm');
  EXPECT_EQ(send("set k 0 0 " + std::to_string(largest) + "\r\n" + value + "\r\n"), "STORED\r\n");
  const std::string over(largest + 1, 'm');
  EXPECT_EQ(send("set k 0 0 " + std::to_string(largest + 1) + "\r\n" + over + "\r\n"),
            "SERVER_ERROR object too large for cache\r\n");
}

TEST_F(StorageCommands, LargeValueReadThroughTheValueSinkIsStoredIntact) {
  std::string value(300000, '\0');
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>(i * 131 % 251);
  const std::string line = "set big 3 0 " + std::to_string(value.size()) + "\r\n";
  std::vector<std::string_view> chunks{line};
  for (std::size_t at = 0; at < value.size(); at += 65536) chunks.push_back(std::string_view(value).substr(at, 65536));
  chunks.push_back("\r\nget big\r\n");
  EXPECT_EQ(send_chunks(chunks, /*read_values_into_sink=*/true),
            "STORED\r\nVALUE big 3 300000\r\n" + value + "\r\nEND\r\n");
}

TEST_F(StorageCommands, ValueSinkIsTheMissingPartOfTheValueOnly) {
  EXPECT_TRUE(session_->value_sink().empty());
  send("set k 0 0 10\r\nabc");
  ASSERT_EQ(session_->value_sink().size(), 7u);
  EXPECT_TRUE(session_->mid_command());
  std::copy_n("defghij", 7, session_->value_sink().data());
  session_->value_received(7);
  EXPECT_TRUE(session_->value_sink().empty());
  EXPECT_TRUE(session_->mid_command()) << "the closing \\r\\n is still to come";
  EXPECT_EQ(send("\r\n"), "STORED\r\n");
  EXPECT_FALSE(session_->mid_command());
  EXPECT_EQ(value_of("k"), "abcdefghij");
}

TEST_F(StorageCommands, SetCountsOneCmdSetPerDataBlock) {
  send("set a 0 0 1\r\nx\r\nset b 0 0 3\r\nxxxxx\r\nset c x 0 1\r\n");
  EXPECT_EQ(server_.commands.cmd_set.get(), 2u);
}

}  // namespace
}  // namespace memstripe::protocol::testing

namespace memstripe::protocol::testing {
namespace {

// -M: a full cache refuses new items instead of evicting old ones.
class FullCacheWithoutEviction : public SessionTest {
 protected:
  FullCacheWithoutEviction() : SessionTest(config(), default_protocol_config()) {}
  static storage::CacheConfig config() {
    storage::CacheConfig c;
    c.memory_limit = 4 * kMiB;
    c.shard_count = 1;
    c.evict_when_full = false;
    return c;
  }
};

TEST_F(FullCacheWithoutEviction, OutOfMemorySwallowsTheDataBlock) {
  const std::string value(1000, 'v');
  std::string reply;
  int i = 0;
  for (; i < 100000; ++i) {
    reply = send("set key" + std::to_string(i) + " 0 0 1000\r\n" + value + "\r\n");
    if (reply != "STORED\r\n") break;
  }
  ASSERT_EQ(reply, "SERVER_ERROR out of memory storing object\r\n") << "after " << i << " items";
  EXPECT_EQ(send("set another 0 0 1000 noreply\r\n" + value + "\r\nversion\r\n"), "VERSION 1.6.18\r\n");
  EXPECT_EQ(cache_->stats().store_no_memory, 2u);
}

}  // namespace
}  // namespace memstripe::protocol::testing
