#include "value_sizes.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace loadgen {

namespace {
// [0, 1) and (0, 1] from 53 bits of a hash.
double unit(std::uint64_t h) noexcept { return static_cast<double>(h >> 11) * 0x1.0p-53; }
double open_unit(std::uint64_t h) noexcept { return (static_cast<double>(h >> 11) + 1.0) * 0x1.0p-53; }
}  // namespace

ValueSizes::ValueSizes(const Options& o) noexcept
    : distribution_(o.value_distribution),
      fixed_(o.value_size),
      min_(o.value_min),
      max_(o.value_max),
      log_median_(std::log(o.value_median)),
      sigma_(o.value_sigma),
      cap_(o.value_cap),
      seed_(o.seed) {}

std::uint32_t ValueSizes::of(KeyClass key_class, std::uint64_t key) const noexcept {
  const std::uint64_t h = key_hash(key_class, key, seed_);
  std::uint64_t size = fixed_;
  switch (distribution_) {
    case ValueDistribution::kFixed:
      break;
    case ValueDistribution::kUniform:
      size = min_ + static_cast<std::uint64_t>(unit(h) * (static_cast<double>(max_ - min_) + 1.0));
      size = std::min<std::uint64_t>(size, max_);
      break;
    case ValueDistribution::kLognormal: {
      // Box-Muller from two hashes of the key: one normal deviate per key.
      const double u1 = open_unit(h);
      const double u2 = unit(mix64(h));
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      const double bytes = std::exp(log_median_ + sigma_ * z);
      size = bytes >= static_cast<double>(cap_) ? cap_ : std::max<std::uint64_t>(1, std::llround(bytes));
      break;
    }
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(size, cap_));
}

}  // namespace loadgen
