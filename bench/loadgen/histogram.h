// A latency histogram in HdrHistogram's log-linear shape: exact below 2^kSubBucketBits ns,
// then every power of two split into 2^(kSubBucketBits-1) equal buckets, so any value is
// known to within 0.2%. Recording is a few shifts and an increment; histograms from
// several threads merge by adding counts.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace loadgen {

class Histogram {
 public:
  static constexpr unsigned kSubBucketBits = 10;
  static constexpr unsigned kMaxValueBits = 40;  // 2^40 ns: 18 minutes; larger values clamp

  Histogram();

  void record(std::uint64_t value_ns) noexcept {
    ++counts_[index_of(value_ns)];
    ++count_;
    sum_ += value_ns;
    if (value_ns > max_) max_ = value_ns;
    if (value_ns < min_) min_ = value_ns;
  }
  void merge(const Histogram& other);
  void reset();

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t max() const noexcept { return max_; }
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  double mean() const noexcept { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // The smallest recorded value v such that `percentile`% of values are <= v (to the
  // bucket's upper edge, never above the true maximum). 100 gives the maximum.
  std::uint64_t percentile(double percentile) const noexcept;

  static unsigned index_of(std::uint64_t value) noexcept;
  // The largest value that lands in bucket `index`.
  static std::uint64_t highest_in(unsigned index) noexcept;
  static constexpr unsigned kBucketCount =
      (1u << kSubBucketBits) + (kMaxValueBits - kSubBucketBits) * (1u << (kSubBucketBits - 1));

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = UINT64_MAX;
};

}  // namespace loadgen
