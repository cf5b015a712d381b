#include "key_chooser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace loadgen {
namespace {

Options with_keys(std::uint64_t n, KeyDistribution d, double skew = 0.99) {
  Options o;
  o.key_count = n;
  o.distribution = d;
  o.zipf_skew = skew;
  return o;
}

TEST(KeyChooser, UniformCoversTheKeySpaceEvenly) {
  KeyChooser keys(with_keys(10, KeyDistribution::kUniform), 3);
  std::vector<int> seen(10);
  for (int i = 0; i < 100000; ++i) {
    const auto k = keys.next();
    ASSERT_LT(k, 10u);
    ++seen[k];
  }
  for (int count : seen) EXPECT_NEAR(count, 10000, 500);
}

// The frequency of rank k is k^-s / H(n, s): check the head of the distribution.
void expect_zipf(std::uint64_t n, double s) {
  KeyChooser keys(with_keys(n, KeyDistribution::kZipf, s), 11);
  double harmonic = 0;
  for (std::uint64_t k = 1; k <= n; ++k) harmonic += std::pow(static_cast<double>(k), -s);
  const int samples = 400000;
  std::vector<int> seen(n);
  for (int i = 0; i < samples; ++i) {
    const auto k = keys.next();
    ASSERT_LT(k, n);
    ++seen[k];
  }
  for (std::uint64_t rank = 1; rank <= 5; ++rank) {
    const double expected = samples * std::pow(static_cast<double>(rank), -s) / harmonic;
    EXPECT_NEAR(seen[rank - 1], expected, 5 * std::sqrt(expected) + 1) << "n " << n << " s " << s << " rank " << rank;
  }
}

TEST(KeyChooser, ZipfMatchesItsDistribution) {
  expect_zipf(1000, 0.99);
  expect_zipf(1000, 1.0);  // s = 1 takes the series branch of the integrals
  expect_zipf(100000, 0.5);
  expect_zipf(50, 1.5);
}

TEST(KeyChooser, ZipfOverOneKeyAlwaysPicksIt) {
  KeyChooser keys(with_keys(1, KeyDistribution::kZipf), 1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(keys.next(), 0u);
}

TEST(KeyChooser, SameSeedSameSequence) {
  KeyChooser a(with_keys(1000, KeyDistribution::kZipf), 5), b(with_keys(1000, KeyDistribution::kZipf), 5);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next());
}

TEST(Keys, WrittenKeysParseBack) {
  char buf[16];
  write_key(12345, 10, buf);
  EXPECT_EQ(std::string_view(buf, 10), "k000012345");
  EXPECT_EQ(parse_key(std::string_view(buf, 10), 10), 12345u);
  write_key(0, 2, buf);
  EXPECT_EQ(std::string_view(buf, 2), "k0");
}

TEST(Keys, ForeignKeysDoNotParse) {
  EXPECT_EQ(parse_key("k00012", 10), UINT64_MAX);      // wrong size
  EXPECT_EQ(parse_key("x000000012", 10), UINT64_MAX);  // wrong prefix
  EXPECT_EQ(parse_key("k0000a0012", 10), UINT64_MAX);  // not digits
}

}  // namespace
}  // namespace loadgen
