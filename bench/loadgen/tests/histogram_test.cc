#include "histogram.h"

#include <gtest/gtest.h>

#include <random>

namespace loadgen {
namespace {

TEST(Histogram, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < 1024; ++v) EXPECT_EQ(Histogram::highest_in(Histogram::index_of(v)), v);
}

TEST(Histogram, EveryBucketIsWithinTwoTenthsOfAPercent) {
  std::mt19937_64 random(7);
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = random() >> (24 + random() % 40);
    const std::uint64_t high = Histogram::highest_in(Histogram::index_of(v));
    ASSERT_GE(high, v);
    ASSERT_LE(static_cast<double>(high - v), 0.002 * static_cast<double>(v) + 1) << v;
  }
}

TEST(Histogram, BucketsAreContiguousAndOrdered) {
  for (unsigned i = 1; i < Histogram::kBucketCount; ++i) {
    ASSERT_EQ(Histogram::index_of(Histogram::highest_in(i - 1) + 1), i) << i;
  }
}

TEST(Histogram, HugeValuesClampIntoTheLastBucket) {
  EXPECT_EQ(Histogram::index_of(UINT64_MAX), Histogram::kBucketCount - 1);
}

TEST(Histogram, PercentilesOfAUniformSpread) {
  Histogram h;
  for (std::uint64_t v = 1; v <= 100000; ++v) h.record(v * 1000);  // 1 us .. 100 ms
  EXPECT_NEAR(static_cast<double>(h.percentile(50)), 50e6, 50e6 * 0.002);
  EXPECT_NEAR(static_cast<double>(h.percentile(99)), 99e6, 99e6 * 0.002);
  EXPECT_NEAR(static_cast<double>(h.percentile(99.9)), 99.9e6, 99.9e6 * 0.002);
  EXPECT_EQ(h.percentile(100), 100000000u);
  EXPECT_EQ(h.max(), 100000000u);
  EXPECT_EQ(h.min(), 1000u);
  EXPECT_DOUBLE_EQ(h.mean(), 50000.5 * 1000);
}

TEST(Histogram, APercentileNeverExceedsTheMaximum) {
  Histogram h;
  h.record(1500);  // bucket's upper edge is above 1500
  EXPECT_EQ(h.percentile(50), 1500u);
  EXPECT_EQ(h.percentile(99.99), 1500u);
}

TEST(Histogram, OneSlowRequestInAThousandIsTheP999) {
  Histogram h;
  for (int i = 0; i < 999; ++i) h.record(100);
  h.record(5000000);
  EXPECT_EQ(h.percentile(99.9), 100u);
  EXPECT_GE(h.percentile(99.95), 5000000u * 998 / 1000);
}

TEST(Histogram, MergingAddsCounts) {
  Histogram a, b;
  for (int i = 0; i < 10; ++i) a.record(10);
  for (int i = 0; i < 30; ++i) b.record(20000);
  a.merge(b);
  EXPECT_EQ(a.count(), 40u);
  EXPECT_EQ(a.percentile(25), 10u);
  EXPECT_NEAR(static_cast<double>(a.percentile(26)), 20000, 40);
  EXPECT_EQ(a.max(), 20000u);
  EXPECT_EQ(a.min(), 10u);
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.percentile(99), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

}  // namespace
}  // namespace loadgen
