#include "cache_fixture.h"

#include <string>
#include <vector>

namespace memstripe::storage::testing {
namespace {

using ReadTest = CacheTest;

TEST_F(ReadTest, HitAndMissAreCounted) {
  set("k", "v");
  get("k");
  get("k");
  get("other");
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.get_hits, 2u);
  EXPECT_EQ(s.get_misses, 1u);
}

// A prefetch is a hint: no counter, no access time and no item moves, whether its keys are
// there or not, and while the index grows from under it.
TEST_F(ReadTest, PrefetchChangesNothing) {
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) {
    keys.push_back("key" + std::to_string(i));
    ASSERT_EQ(set(keys.back(), "v"), StoreStatus::kStored);
    if (i % 97 == 0) {
      std::vector<std::string_view> batch(keys.end() - std::min<std::ptrdiff_t>(20, std::ssize(keys)), keys.end());
      batch.push_back("missing");
      cache_.prefetch(batch);
    }
  }
  const CacheStats before = cache_.stats();
  std::vector<std::string_view> all(keys.begin(), keys.end());
  cache_.prefetch(all);
  cache_.prefetch({});
  const CacheStats after = cache_.stats();
  EXPECT_EQ(after.get_hits, before.get_hits);
  EXPECT_EQ(after.get_misses, before.get_misses);
  EXPECT_EQ(after.curr_items, before.curr_items);
  EXPECT_FALSE(cache_.read("key0").fetched_before);
}

TEST_F(ReadTest, FirstReadMarksFetched) {
  set("k", "v");
  EXPECT_FALSE(cache_.read("k").fetched_before);
  EXPECT_TRUE(cache_.read("k").fetched_before);
}

TEST_F(ReadTest, ReadWithoutBumpLeavesFetchedAlone) {
  set("k", "v");
  EXPECT_FALSE(cache_.read("k", {.bump = false}).fetched_before);
  EXPECT_FALSE(cache_.read("k").fetched_before);
}

TEST_F(ReadTest, SecondsSinceAccessFollowTheClock) {
  set("k", "v");
  clock_.advance(7);
  EXPECT_EQ(cache_.read("k").seconds_since_access, 7u);
  clock_.advance(2);
  EXPECT_EQ(cache_.read("k").seconds_since_access, 2u);
}

TEST_F(ReadTest, TouchSetsANewExptime) {
  set("k", "v", 0, 10);
  EXPECT_TRUE(cache_.touch("k", 100));
  clock_.advance(50);
  EXPECT_EQ(get("k"), "v");
  clock_.advance(51);
  EXPECT_FALSE(get("k"));
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.touch_hits, 1u);
}

TEST_F(ReadTest, TouchOfMissingKeyFails) {
  EXPECT_FALSE(cache_.touch("k", 100));
  EXPECT_EQ(cache_.stats().touch_misses, 1u);
}

TEST_F(ReadTest, GetAndTouchReturnsTheValueAndSetsTheExptime) {
  set("k", "v", 0, 10);
  ReadResult r = cache_.read("k", {.touch = true, .touch_exptime = 0});
  ASSERT_TRUE(r.item);
  EXPECT_EQ(r.item.value(), "v");
  EXPECT_EQ(r.exptime_after, 0u);
  EXPECT_NE(r.exptime_before, 0u);
  clock_.advance(1000);
  EXPECT_EQ(get("k"), "v");
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.touch_hits, 1u);
  EXPECT_EQ(s.get_hits, 1u);
}

TEST_F(ReadTest, GetAndTouchMissCountsATouchMiss) {
  EXPECT_FALSE(cache_.read("k", {.touch = true, .touch_exptime = 5}).item);
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.touch_misses, 1u);
  EXPECT_EQ(s.get_misses, 0u);
}

TEST_F(ReadTest, ManyKeysInFewShardsSurviveIndexGrowth) {
  CacheConfig config = small_config();
  config.shard_count = 1;
  Cache cache(config, clock_);
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    std::string key = "key:" + std::to_string(i);
    AllocResult a = cache.allocate(key, 0, 0, key.size());
    std::memcpy(a.item.value().data(), key.data(), key.size());
    ASSERT_EQ(cache.store(StoreMode::kSet, std::move(a.item)).status, StoreStatus::kStored);
    if (i % 97 == 0) {
      // Read back older keys while the index is moving buckets over.
      std::string old = "key:" + std::to_string(i / 2);
      ASSERT_EQ(cache.read(old).item.value(), old);
    }
  }
  CacheStats s = cache.stats();
  EXPECT_EQ(s.curr_items, static_cast<std::uint64_t>(n));
  EXPECT_GE(s.hash_buckets * 2, static_cast<std::uint64_t>(n) / 2);
  for (int i = 0; i < n; ++i) {
    std::string key = "key:" + std::to_string(i);
    ASSERT_EQ(cache.read(key).item.value(), key);
  }
}

}  // namespace
}  // namespace memstripe::storage::testing
