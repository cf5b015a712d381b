#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace loadgen {

namespace {
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << Histogram::kSubBucketBits;
constexpr std::uint64_t kHalf = kSubBuckets / 2;
constexpr std::uint64_t kLargest = (std::uint64_t{1} << Histogram::kMaxValueBits) - 1;
}  // namespace

Histogram::Histogram() : counts_(kBucketCount, 0) {}

unsigned Histogram::index_of(std::uint64_t v) noexcept {
  if (v < kSubBuckets) return static_cast<unsigned>(v);
  if (v > kLargest) v = kLargest;
  // v has its top bit at position m >= kSubBucketBits: keep its top kSubBucketBits bits.
  const unsigned m = 63 - static_cast<unsigned>(std::countl_zero(v));
  const unsigned shift = m - (kSubBucketBits - 1);
  const std::uint64_t sub = v >> shift;  // in [kHalf, kSubBuckets)
  return static_cast<unsigned>(kSubBuckets + (m - kSubBucketBits) * kHalf + (sub - kHalf));
}

std::uint64_t Histogram::highest_in(unsigned index) noexcept {
  if (index < kSubBuckets) return index;
  const unsigned over = index - static_cast<unsigned>(kSubBuckets);
  const unsigned m = kSubBucketBits + over / static_cast<unsigned>(kHalf);
  const std::uint64_t sub = kHalf + over % kHalf;
  const unsigned shift = m - (kSubBucketBits - 1);
  return ((sub + 1) << shift) - 1;
}

void Histogram::merge(const Histogram& other) {
  for (unsigned i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = sum_ = max_ = 0;
  min_ = UINT64_MAX;
}

std::uint64_t Histogram::percentile(double p) const noexcept {
  if (count_ == 0) return 0;
  if (p >= 100) return max_;
  // The rank of the value asked for, 1-based: ceil(p% of count), at least the first. The
  // epsilon keeps 99.9% of 1000 at 999 although 0.999 * 1000 is 999.0000000000001.
  const double exact = p / 100.0 * static_cast<double>(count_);
  auto rank = static_cast<std::uint64_t>(std::ceil(exact * (1 - 1e-12)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (unsigned i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_in(i), max_);
  }
  return max_;
}

}  // namespace loadgen
