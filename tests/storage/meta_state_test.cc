// The item state behind meta commands: vivify on miss, win tokens, stale items.
#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

using MetaStateTest = CacheTest;

TEST_F(MetaStateTest, VivifyOnMissCreatesAnEmptyItemAndWins) {
  ReadResult r = cache_.read("k", {.vivify = true, .vivify_exptime = 30});
  ASSERT_TRUE(r.item);
  EXPECT_TRUE(r.created);
  EXPECT_TRUE(r.win);
  EXPECT_EQ(r.item.value(), "");
  EXPECT_EQ(r.exptime_after, clock_.now() + 30);
}

TEST_F(MetaStateTest, SecondReaderAfterVivifySeesTheTokenTaken) {
  cache_.read("k", {.vivify = true, .vivify_exptime = 30});
  ReadResult r = cache_.read("k", {.vivify = true, .vivify_exptime = 30});
  EXPECT_FALSE(r.created);
  EXPECT_FALSE(r.win);
  EXPECT_TRUE(r.token_already_sent);
}

TEST_F(MetaStateTest, InvalidateMarksStaleAndTheNextReaderWins) {
  set("k", "v");
  std::uint64_t cas = last_store_.cas;
  EXPECT_EQ(cache_.remove("k", {.invalidate = true}), RemoveStatus::kDeleted);
  ReadResult first = cache_.read("k");
  EXPECT_NE(first.item.cas(), cas);
  EXPECT_TRUE(first.stale);
  EXPECT_TRUE(first.win);
  EXPECT_FALSE(first.token_already_sent);
  EXPECT_EQ(first.item.value(), "v");
  ReadResult second = cache_.read("k");
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
  ReadResult r = cache_.read("k");
  EXPECT_FALSE(r.stale);
  EXPECT_FALSE(r.win);
}

TEST_F(MetaStateTest, OlderCasStoreWithInvalidateLandsStale) {
  set("k", "v1");
  std::uint64_t old_cas = cas_of("k");
  set("k", "v2");
  EXPECT_EQ(store(StoreMode::kCas, "k", "late", 0, 0, {.compare_cas = old_cas, .invalidate_if_cas_older = true}),
            StoreStatus::kStored);
  ReadResult r = cache_.read("k");
  EXPECT_EQ(r.item.value(), "late");
  EXPECT_TRUE(r.stale);
}

TEST_F(MetaStateTest, NewerCasStoreWithInvalidateIsExists) {
  set("k", "v1");
  EXPECT_EQ(store(StoreMode::kCas, "k", "x", 0, 0, {.compare_cas = cas_of("k") + 100, .invalidate_if_cas_older = true}),
            StoreStatus::kExists);
}

TEST_F(MetaStateTest, RecacheWinsWhenTheTtlIsBelowTheThreshold) {
  set("k", "v", 0, 100);
  EXPECT_FALSE(cache_.read("k", {.recache = true, .recache_threshold = 50}).win);
  clock_.advance(60);
  ReadResult r = cache_.read("k", {.recache = true, .recache_threshold = 50});
  EXPECT_TRUE(r.win);
  ReadResult again = cache_.read("k", {.recache = true, .recache_threshold = 50});
  EXPECT_FALSE(again.win);
  EXPECT_TRUE(again.token_already_sent);
}

TEST_F(MetaStateTest, RecacheNeverWinsWithoutATtl) {
  set("k", "v", 0, 0);
  EXPECT_FALSE(cache_.read("k", {.recache = true, .recache_threshold = 50}).win);
}

TEST_F(MetaStateTest, DeleteWithWrongCasIsExists) {
  set("k", "v");
  EXPECT_EQ(cache_.remove("k", {.compare_cas = cas_of("k") + 1}), RemoveStatus::kExists);
  EXPECT_EQ(cache_.remove("k", {.compare_cas = cas_of("k")}), RemoveStatus::kDeleted);
}

}  // namespace
}  // namespace memstripe::storage::testing
