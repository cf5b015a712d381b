// The item state behind meta commands: vivify on miss, win tokens, stale items.
#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

using MetaStateTest = CacheTest;

const ReadOptions meta_read{.meta = true};

TEST_F(MetaStateTest, VivifyOnMissCreatesAnEmptyItemAndWins) {
  ReadResult r = cache_.read("k", {.vivify = true, .vivify_exptime = 30, .meta = true});
  ASSERT_TRUE(r.item);
  EXPECT_TRUE(r.created);
  EXPECT_TRUE(r.win);
  EXPECT_EQ(r.item.value(), "");
  EXPECT_EQ(r.exptime_after, clock_.now() + 30);
}

TEST_F(MetaStateTest, SecondReaderAfterVivifySeesTheTokenTaken) {
  cache_.read("k", {.vivify = true, .vivify_exptime = 30, .meta = true});
  ReadResult r = cache_.read("k", {.vivify = true, .vivify_exptime = 30, .meta = true});
  EXPECT_FALSE(r.created);
  EXPECT_FALSE(r.win);
  EXPECT_TRUE(r.token_already_sent);
}

TEST_F(MetaStateTest, InvalidateMarksStaleAndTheNextReaderWins) {
  set("k", "v");
  std::uint64_t cas = last_store_.cas;
  EXPECT_EQ(cache_.remove("k", {.invalidate = true}), RemoveStatus::kDeleted);
  ReadResult first = cache_.read("k", meta_read);
  EXPECT_NE(first.item.cas(), cas);
  EXPECT_TRUE(first.stale);
  EXPECT_TRUE(first.win);
  EXPECT_FALSE(first.token_already_sent);
  EXPECT_EQ(first.item.value(), "v");
  ReadResult second = cache_.read("k", meta_read);
  EXPECT_TRUE(second.stale);
  EXPECT_FALSE(second.win);
  EXPECT_TRUE(second.token_already_sent);
}

TEST_F(MetaStateTest, InvalidateCanSetANewTtl) {
  set("k", "v");
  cache_.remove("k", {.invalidate = true, .set_exptime = true, .exptime = 30});
  EXPECT_EQ(ref("k").exptime(), clock_.now() + 30);
}

TEST_F(MetaStateTest, SetAfterInvalidateClearsStale) {
  set("k", "v");
  cache_.remove("k", {.invalidate = true});
  set("k", "fresh");
  ReadResult r = cache_.read("k", meta_read);
  EXPECT_FALSE(r.stale);
  EXPECT_FALSE(r.win);
}

TEST_F(MetaStateTest, OlderCasStoreWithInvalidateLandsStale) {
  set("k", "v1");
  std::uint64_t old_cas = cas_of("k");
  set("k", "v2");
  EXPECT_EQ(store(StoreMode::kCas, "k", "late", 0, 0, {.compare_cas = old_cas, .invalidate_if_cas_older = true}),
            StoreStatus::kStored);
  ReadResult r = cache_.read("k", meta_read);
  EXPECT_EQ(r.item.value(), "late");
  EXPECT_TRUE(r.stale);
}

// Found by a differential run against memcached 1.6.18: `ms key I C<cas>` with the CAS of
// a key stored earlier is older than the item's, so it lands stale (HD), whichever shards
// the two keys are in.
TEST_F(MetaStateTest, OlderCasOfAnotherKeyWithInvalidateLandsStale) {
  set("early", "e");
  const std::uint64_t early_cas = last_store_.cas;
  for (int i = 0; i < 32; ++i) {
    const std::string key = "late" + std::to_string(i);
    set(key, "v");
    ASSERT_EQ(store(StoreMode::kCas, key, "x", 0, 0, {.compare_cas = early_cas, .invalidate_if_cas_older = true}),
              StoreStatus::kStored)
        << key;
    EXPECT_TRUE(cache_.read(key, meta_read).stale) << key;
  }
}

TEST_F(MetaStateTest, NewerCasStoreWithInvalidateIsExists) {
  set("k", "v1");
  EXPECT_EQ(store(StoreMode::kCas, "k", "x", 0, 0, {.compare_cas = cas_of("k") + 100, .invalidate_if_cas_older = true}),
            StoreStatus::kExists);
}

TEST_F(MetaStateTest, RecacheWinsWhenTheTtlIsBelowTheThreshold) {
  set("k", "v", 0, 100);
  EXPECT_FALSE(cache_.read("k", {.recache = true, .recache_threshold = 50, .meta = true}).win);
  clock_.advance(60);
  ReadResult r = cache_.read("k", {.recache = true, .recache_threshold = 50, .meta = true});
  EXPECT_TRUE(r.win);
  ReadResult again = cache_.read("k", {.recache = true, .recache_threshold = 50, .meta = true});
  EXPECT_FALSE(again.win);
  EXPECT_TRUE(again.token_already_sent);
}

TEST_F(MetaStateTest, RecacheNeverWinsWithoutATtl) {
  set("k", "v", 0, 0);
  EXPECT_FALSE(cache_.read("k", {.recache = true, .recache_threshold = 50, .meta = true}).win);
}

TEST_F(MetaStateTest, ClassicReadsOfAStaleItemLeaveTheTokenToMg) {
  set("k", "v");
  cache_.remove("k", {.invalidate = true});
  ReadResult classic = cache_.read("k");
  EXPECT_EQ(classic.item.value(), "v");
  EXPECT_FALSE(classic.win);
  EXPECT_TRUE(cache_.read("k", meta_read).win);
}

TEST_F(MetaStateTest, VivifiedItemReadsAsFetchedAfterwards) {
  EXPECT_FALSE(cache_.read("k", {.vivify = true, .meta = true}).fetched_before);
  EXPECT_TRUE(cache_.read("k", meta_read).fetched_before);
}

TEST_F(MetaStateTest, TouchingMgMissCountsAGetMiss) {
  cache_.read("k", {.touch = true, .touch_exptime = 5, .meta = true});
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.get_misses, 1u);
  EXPECT_EQ(s.touch_misses, 0u);
}

TEST_F(MetaStateTest, DescribeChangesNothing) {
  set("k", "v", 3, 100);
  clock_.advance(4);
  ItemDescription d = cache_.describe("k");
  ASSERT_TRUE(d.item);
  EXPECT_EQ(d.info.key, "k");
  EXPECT_EQ(d.info.value_length, 1u);
  EXPECT_FALSE(d.info.fetched);
  EXPECT_EQ(d.seconds_since_access, 4u);
  EXPECT_FALSE(cache_.describe("absent").item);
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.get_hits + s.get_misses, 0u);
  EXPECT_FALSE(cache_.read("k").fetched_before);
}

TEST_F(MetaStateTest, DeleteComparingCasZeroIsExists) {
  set("k", "v");
  EXPECT_EQ(cache_.remove("k", {.compare_cas = 0}), RemoveStatus::kExists);
}

TEST_F(MetaStateTest, VivifyingArithmeticTakesTheTtlOfTheLaterFlag) {
  ArithResult t_last = cache_.arithmetic("a", {.vivify = true, .vivify_exptime = 100, .touch = true, .touch_exptime = 50});
  EXPECT_EQ(t_last.item.exptime(), clock_.now() + 50);
  ArithResult n_last = cache_.arithmetic(
      "b", {.vivify = true, .vivify_exptime = 100, .touch = true, .touch_exptime = 50, .touch_after_vivify = false});
  EXPECT_EQ(n_last.item.exptime(), clock_.now() + 100);
}

TEST_F(MetaStateTest, DeleteWithWrongCasIsExists) {
  set("k", "v");
  EXPECT_EQ(cache_.remove("k", {.compare_cas = cas_of("k") + 1}), RemoveStatus::kExists);
  EXPECT_EQ(cache_.remove("k", {.compare_cas = cas_of("k")}), RemoveStatus::kDeleted);
}

}  // namespace
}  // namespace memstripe::storage::testing
