// The arguments of classic commands, and the error memcached gives for each bad one.
#include <gtest/gtest.h>

#include <string>

#include "protocol/classic_requests.h"
#include "protocol/responses.h"

namespace memstripe::protocol {
namespace {

StorageArgs storage(std::string_view line, bool cas = false) {
  return parse_storage_request(tokenize(line), cas);
}

TEST(StorageArgs, ReadsKeyFlagsExptimeAndLength) {
  const StorageArgs r = storage("set key 5 100 10");
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.key, "key");
  EXPECT_EQ(r.flags, 5u);
  EXPECT_EQ(r.exptime, 100);
  EXPECT_EQ(r.length, 10u);
  EXPECT_FALSE(r.noreply);
}

TEST(StorageArgs, ReadsTheCasUniqueOfCas) {
  const StorageArgs r = storage("cas key 0 0 1 18446744073709551615 noreply", true);
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.cas, UINT64_MAX);
  EXPECT_TRUE(r.noreply);
}

TEST(StorageArgs, SeesNoreplyOnlyAsTheLastToken) {
  EXPECT_TRUE(storage("set k 0 0 1 noreply").noreply);
  EXPECT_FALSE(storage("set k 0 0 1 garbage").noreply);
}

TEST(StorageArgs, RefusesAKeyLongerThan250Bytes) {
  EXPECT_TRUE(storage("set " + std::string(250, 'k') + " 0 0 1").error.empty());
  EXPECT_EQ(storage("set " + std::string(251, 'k') + " 0 0 1").error, reply::kBadCommandLineFormat);
}

TEST(StorageArgs, RefusesBadNumbersWithBadCommandLineFormat) {
  EXPECT_EQ(storage("set k x 0 1").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(storage("set k -1 0 1").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(storage("set k 0 x 1").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(storage("set k 0 0 x").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(storage("set k 0 0 -1").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(storage("set k 0 0 4294967295").error, reply::kBadCommandLineFormat);  // -1 in 32 bits
  EXPECT_EQ(storage("set k 0 0 2147483646").error, reply::kBadCommandLineFormat);  // over INT_MAX - 2
  EXPECT_EQ(storage("cas k 0 0 1 x", true).error, reply::kBadCommandLineFormat);
}

TEST(StorageArgs, TruncatesNumbersAsMemcachedDoes) {
  EXPECT_EQ(storage("set k 4294967296 0 1").flags, 0u);
  EXPECT_EQ(storage("set k 18446744073709551615 0 1").flags, 4294967295u);
  EXPECT_EQ(storage("set k 0 4294967296 1").exptime, 0);
  EXPECT_EQ(storage("set k 0 4294967295 1").exptime, -1);
  EXPECT_EQ(storage("set k 0 0 4294967297").length, 1u);
  EXPECT_EQ(storage("set k 0 0 2147483645").length, 2147483645u);
}

TEST(RetrievalArgs, TakesEveryKeyToTheEndOfTheLine) {
  const std::string line = "get a b c";
  const RetrievalArgs r = parse_retrieval_request(tokenize(line), line, false);
  EXPECT_EQ(r.keys, "a b c");
}

TEST(RetrievalArgs, ReadsTheExptimeOfGat) {
  const std::string line = "gat -5 a";
  const RetrievalArgs r = parse_retrieval_request(tokenize(line), line, true);
  EXPECT_EQ(r.exptime, -5);
  EXPECT_EQ(r.keys, "a");
  const std::string bad = "gat x a";
  EXPECT_EQ(parse_retrieval_request(tokenize(bad), bad, true).error, reply::kInvalidExptime);
  const std::string none = "gat 10";
  EXPECT_TRUE(parse_retrieval_request(tokenize(none), none, true).keys.empty());
}

TEST(RetrievalArgs, RefusesAMultiGetWithOneKeyTooLong) {
  EXPECT_TRUE(keys_fit("a b " + std::string(250, 'k')));
  EXPECT_FALSE(keys_fit("a " + std::string(251, 'k') + " b"));
}

TEST(DeleteArgs, AcceptsOnlyZeroAndNoreplyAfterTheKey) {
  EXPECT_TRUE(parse_delete_request(tokenize("delete k")).error.empty());
  EXPECT_TRUE(parse_delete_request(tokenize("delete k 0")).error.empty());
  EXPECT_TRUE(parse_delete_request(tokenize("delete k noreply")).noreply);
  const DeleteArgs both = parse_delete_request(tokenize("delete k 0 noreply"));
  EXPECT_TRUE(both.error.empty());
  EXPECT_TRUE(both.noreply);
  EXPECT_EQ(parse_delete_request(tokenize("delete k 1")).error, reply::kDeleteUsage);
  EXPECT_EQ(parse_delete_request(tokenize("delete k 0 x")).error, reply::kDeleteUsage);
  const DeleteArgs hidden = parse_delete_request(tokenize("delete k 1 noreply"));
  EXPECT_EQ(hidden.error, reply::kDeleteUsage);
  EXPECT_TRUE(hidden.noreply);
}

TEST(DeleteArgs, ChecksTheUsageBeforeTheKeyLength) {
  const std::string key(251, 'k');
  EXPECT_EQ(parse_delete_request(tokenize("delete " + key)).error, reply::kBadCommandLineFormat);
  EXPECT_EQ(parse_delete_request(tokenize("delete " + key + " 1")).error, reply::kDeleteUsage);
}

TEST(ArithmeticArgs, ReadsTheDeltaOrRefusesIt) {
  const ArithmeticArgs r = parse_arithmetic_request(tokenize("incr k 18446744073709551615"));
  EXPECT_TRUE(r.error.empty());
  EXPECT_EQ(r.delta, UINT64_MAX);
  EXPECT_EQ(parse_arithmetic_request(tokenize("incr k -1")).error, reply::kInvalidDelta);
  EXPECT_EQ(parse_arithmetic_request(tokenize("incr k 18446744073709551616")).error, reply::kInvalidDelta);
  EXPECT_EQ(parse_arithmetic_request(tokenize("incr k abc")).error, reply::kInvalidDelta);
  EXPECT_EQ(parse_arithmetic_request(tokenize("incr " + std::string(251, 'k') + " 1")).error,
            reply::kBadCommandLineFormat);
}

TEST(TouchArgs, ReadsTheExptimeOrRefusesIt) {
  EXPECT_EQ(parse_touch_request(tokenize("touch k 10")).exptime, 10);
  EXPECT_EQ(parse_touch_request(tokenize("touch k x")).error, reply::kInvalidExptime);
  EXPECT_TRUE(parse_touch_request(tokenize("touch k 10 noreply")).noreply);
}

TEST(FlushArgs, ReadsADelayUnlessOnlyNoreplyFollows) {
  EXPECT_EQ(parse_flush_request(tokenize("flush_all")).delay, 0);
  EXPECT_EQ(parse_flush_request(tokenize("flush_all 10")).delay, 10);
  EXPECT_TRUE(parse_flush_request(tokenize("flush_all noreply")).error.empty());
  EXPECT_EQ(parse_flush_request(tokenize("flush_all 10 noreply")).delay, 10);
  EXPECT_EQ(parse_flush_request(tokenize("flush_all 0 garbage")).delay, 0);
  EXPECT_EQ(parse_flush_request(tokenize("flush_all garbage")).error, reply::kInvalidExptime);
  EXPECT_EQ(parse_flush_request(tokenize("flush_all noreply x")).error, reply::kInvalidExptime);
}

TEST(VerbosityArgs, NeedsANumber) {
  EXPECT_EQ(parse_verbosity_request(tokenize("verbosity 1")).level, 1u);
  EXPECT_EQ(parse_verbosity_request(tokenize("verbosity x")).error, reply::kBadCommandLineFormat);
  EXPECT_EQ(parse_verbosity_request(tokenize("verbosity -1")).error, reply::kBadCommandLineFormat);
}

TEST(MemlimitArgs, ChecksMemcachedsBounds) {
  EXPECT_EQ(parse_memlimit_request(tokenize("cache_memlimit 8")).megabytes, 8u);
  EXPECT_EQ(parse_memlimit_request(tokenize("cache_memlimit 7")).error, reply::kMemlimitTooSmall);
  EXPECT_EQ(parse_memlimit_request(tokenize("cache_memlimit 1000000001")).error, reply::kMemlimitNotMegabytes);
  EXPECT_EQ(parse_memlimit_request(tokenize("cache_memlimit x")).error, reply::kError);
  EXPECT_EQ(parse_memlimit_request(tokenize("cache_memlimit -1")).error, reply::kError);
}

}  // namespace
}  // namespace memstripe::protocol
