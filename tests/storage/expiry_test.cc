#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

using ExpiryTest = CacheTest;

TEST_F(ExpiryTest, ZeroNeverExpires) {
  set("k", "v", 0, 0);
  clock_.advance(10 * 365 * 24 * 3600);
  EXPECT_EQ(get("k"), "v");
}

TEST_F(ExpiryTest, RelativeExptimeExpiresAfterThatManySeconds) {
  set("k", "v", 0, 10);
  clock_.advance(9);
  EXPECT_EQ(get("k"), "v");
  clock_.advance(1);
  EXPECT_FALSE(get("k"));
  EXPECT_EQ(cache_.stats().get_expired, 1u);
}

TEST_F(ExpiryTest, NegativeExptimeIsAlreadyExpired) {
  ASSERT_EQ(set("k", "v", 0, -1), StoreStatus::kStored);
  EXPECT_FALSE(get("k"));
}

TEST_F(ExpiryTest, ThirtyDaysIsStillRelative) {
  set("k", "v", 0, Clock::kMaxRelativeExptime);
  clock_.advance(Clock::kMaxRelativeExptime - 1);
  EXPECT_EQ(get("k"), "v");
  clock_.advance(1);
  EXPECT_FALSE(get("k"));
}

TEST_F(ExpiryTest, AboveThirtyDaysIsAnAbsoluteUnixTime) {
  set("k", "v", 0, clock_.unix_now() + 100);
  clock_.advance(99);
  EXPECT_EQ(get("k"), "v");
  clock_.advance(1);
  EXPECT_FALSE(get("k"));
}

TEST_F(ExpiryTest, AbsoluteTimeInThePastIsAlreadyExpired) {
  set("k", "v", 0, clock_.unix_now() - 100);
  EXPECT_FALSE(get("k"));
  set("k", "v", 0, Clock::kMaxRelativeExptime + 1);  // 1970: long past
  EXPECT_FALSE(get("k"));
}

TEST_F(ExpiryTest, ExpiredItemIsGoneForEveryCommand) {
  set("k", "5", 0, 1);
  clock_.advance(1);
  EXPECT_EQ(store(StoreMode::kReplace, "k", "x"), StoreStatus::kNotStored);
  EXPECT_EQ(store(StoreMode::kAppend, "k", "x"), StoreStatus::kNotStored);
  EXPECT_EQ(incr("k", 1).status, ArithStatus::kNotFound);
  EXPECT_FALSE(cache_.touch("k", 0));
  EXPECT_EQ(cache_.remove("k"), RemoveStatus::kNotFound);
  EXPECT_EQ(store(StoreMode::kAdd, "k", "x"), StoreStatus::kStored);
}

TEST_F(ExpiryTest, FlushAllInvalidatesEverythingStoredBefore) {
  set("a", "1");
  set("b", "2", 0, 1000);
  cache_.flush();
  EXPECT_FALSE(get("a"));
  EXPECT_FALSE(get("b"));
  EXPECT_EQ(cache_.stats().get_flushed, 2u);
}

TEST_F(ExpiryTest, FlushAllSparesItemsStoredLaterInTheSameSecond) {
  set("a", "1");
  cache_.flush();
  set("b", "2");
  EXPECT_FALSE(get("a"));
  EXPECT_EQ(get("b"), "2");
  clock_.advance(5);
  EXPECT_EQ(get("b"), "2");
}

TEST_F(ExpiryTest, FlushAllInTheSameSecondSeparatesEarlierFromLaterStoresInEveryShard) {
  for (int i = 0; i < 200; ++i) set("before" + std::to_string(i), "1");
  cache_.flush();
  for (int i = 0; i < 200; ++i) set("after" + std::to_string(i), "2");
  for (int i = 0; i < 200; ++i) {
    EXPECT_FALSE(get("before" + std::to_string(i))) << i;
    EXPECT_EQ(get("after" + std::to_string(i)), "2") << i;
  }
  // A second flush in the same second moves the bound on.
  cache_.flush();
  EXPECT_FALSE(get("after0"));
  set("later", "3");
  EXPECT_EQ(get("later"), "3");
}

TEST_F(ExpiryTest, FlushWithDelayKeepsItemsUntilTheDeadline) {
  set("a", "1");
  cache_.flush(10);
  clock_.advance(8);
  EXPECT_EQ(get("a"), "1");
  clock_.advance(1);
  EXPECT_FALSE(get("a"));
}

TEST_F(ExpiryTest, FlushWithDelayInvalidatesItemsStoredDuringTheDelay) {
  cache_.flush(10);
  clock_.advance(5);
  set("during", "1");
  clock_.advance(5);
  EXPECT_FALSE(get("during"));
}

TEST_F(ExpiryTest, FlushWithDelaySparesItemsStoredAfterTheDeadline) {
  cache_.flush(10);
  clock_.advance(10);
  set("after", "1");
  clock_.advance(100);
  EXPECT_EQ(get("after"), "1");
}

TEST_F(ExpiryTest, SweepReclaimsExpiredItemsWithoutAnAccess) {
  for (int i = 0; i < 100; ++i) set("short" + std::to_string(i), "v", 0, 5);
  for (int i = 0; i < 100; ++i) set("long" + std::to_string(i), "v", 0, 0);
  clock_.advance(6);
  std::size_t reclaimed = 0;
  for (int round = 0; round < 200 && reclaimed < 100; ++round) reclaimed += cache_.sweep_expired(1000);
  EXPECT_EQ(reclaimed, 100u);
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.curr_items, 100u);
  EXPECT_EQ(s.reclaimed, 100u);
  EXPECT_EQ(s.expired_unfetched, 100u);
}

TEST_F(ExpiryTest, SweepLeavesAReferencedItemReadable) {
  set("k", "value", 0, 1);
  ItemRef held = ref("k");
  clock_.advance(2);
  for (int round = 0; round < 200; ++round) cache_.sweep_expired(1000);
  EXPECT_EQ(held.value(), "value");
  EXPECT_EQ(cache_.stats().curr_items, 0u);
}

}  // namespace
}  // namespace memstripe::storage::testing
