#include "value_sizes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace loadgen {
namespace {

Options with_sizes(ValueDistribution d) {
  Options o;
  o.value_distribution = d;
  return o;
}

std::vector<std::uint32_t> sizes_of(const ValueSizes& sizes, std::uint64_t n) {
  std::vector<std::uint32_t> out;
  for (std::uint64_t k = 0; k < n; ++k) out.push_back(sizes.of(KeyClass::kPopular, k));
  return out;
}

TEST(ValueSizes, FixedIsTheValueSize) {
  Options o = with_sizes(ValueDistribution::kFixed);
  o.value_size = 77;
  const ValueSizes sizes(o);
  for (std::uint64_t k = 0; k < 100; ++k) EXPECT_EQ(sizes.of(KeyClass::kPopular, k), 77u);
}

TEST(ValueSizes, AKeyAlwaysHasTheSameSizeAndTheSeedMovesThem) {
  Options o = with_sizes(ValueDistribution::kLognormal);
  const ValueSizes a(o), b(o);
  o.seed = 2;
  const ValueSizes other(o);
  EXPECT_EQ(sizes_of(a, 1000), sizes_of(b, 1000));
  EXPECT_NE(sizes_of(a, 1000), sizes_of(other, 1000));
}

TEST(ValueSizes, UniformCoversItsRangeEvenly) {
  Options o = with_sizes(ValueDistribution::kUniform);
  o.value_min = 10;
  o.value_max = 19;
  const auto sizes = sizes_of(ValueSizes(o), 100000);
  std::vector<int> seen(10);
  for (auto s : sizes) {
    ASSERT_GE(s, 10u);
    ASSERT_LE(s, 19u);
    ++seen[s - 10];
  }
  for (int count : seen) EXPECT_NEAR(count, 10000, 500);
}

TEST(ValueSizes, LognormalHasItsMedianAndItsSigma) {
  Options o = with_sizes(ValueDistribution::kLognormal);
  o.value_median = 230;
  o.value_sigma = 1.0;
  auto sizes = sizes_of(ValueSizes(o), 100001);
  std::sort(sizes.begin(), sizes.end());
  EXPECT_NEAR(sizes[sizes.size() / 2], 230, 5);
  // The 84th percentile of a lognormal is median * e^sigma.
  EXPECT_NEAR(sizes[sizes.size() * 841 / 1000], 230 * std::exp(1.0), 15);
  EXPECT_GE(sizes.front(), 1u);
}

TEST(ValueSizes, NoValueIsLargerThanTheCap) {
  Options o = with_sizes(ValueDistribution::kLognormal);
  o.value_sigma = 4;
  o.value_cap = 5000;
  const auto sizes = sizes_of(ValueSizes(o), 100000);
  EXPECT_EQ(*std::max_element(sizes.begin(), sizes.end()), 5000u);
}

TEST(ValueSizes, ClassesOfKeysAreSizedApart) {
  Options o = with_sizes(ValueDistribution::kLognormal);
  const ValueSizes sizes(o);
  int same = 0;
  for (std::uint64_t k = 0; k < 1000; ++k)
    same += sizes.of(KeyClass::kPopular, k) == sizes.of(KeyClass::kOneHitWonder, k) ? 1 : 0;
  EXPECT_LT(same, 50);
}

}  // namespace
}  // namespace loadgen
