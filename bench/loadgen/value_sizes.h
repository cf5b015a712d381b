// The cache-aside mode's value sizes: fixed, uniform in a range, or lognormal with a given
// median and sigma (Twitter's values: a median about 230 B and a long tail), capped. A size
// is a function of the key (a hash of its class, its index and the seed), not a draw from
// a stream: a key is always set with the same size, however often it misses, and the value
// a hit returns can be checked against it.
#pragma once

#include <cstdint>

#include "cache_aside_request.h"
#include "options.h"

namespace loadgen {

class ValueSizes {
 public:
  explicit ValueSizes(const Options& options) noexcept;

  std::uint32_t of(KeyClass key_class, std::uint64_t key) const noexcept;

 private:
  ValueDistribution distribution_;
  std::uint32_t fixed_;
  std::uint32_t min_;
  std::uint32_t max_;
  double log_median_;
  double sigma_;
  std::uint32_t cap_;
  std::uint64_t seed_;
};

// A 64-bit mix of `x` (splitmix64's finaliser): the keys' hashes, for sizes and values.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t key_hash(KeyClass key_class, std::uint64_t key, std::uint64_t seed) noexcept {
  return mix64(mix64(key ^ (static_cast<std::uint64_t>(key_class) << 60)) ^ seed);
}

}  // namespace loadgen
