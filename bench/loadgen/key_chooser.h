// Which key each request touches, and what its bytes are. Keys are indices 0..count-1,
// written as 'k' and the zero-padded index, so every key has the same size and a key's
// bytes never need storing. Index 0 is the most popular under Zipf.
#pragma once

#include <cstdint>
#include <string_view>

#include "options.h"

namespace loadgen {

// xoshiro256**: fast, small state, good enough statistics for choosing keys.
class Random {
 public:
  explicit Random(std::uint64_t seed) noexcept;
  std::uint64_t next() noexcept;
  // Uniform in [0, n), Lemire's multiply-shift (the bias is below 2^-32 for our n).
  std::uint64_t below(std::uint64_t n) noexcept {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)

 private:
  std::uint64_t s_[4];
};

// Zipf over 1..n with P(k) proportional to k^-s, any s > 0, in O(1) per sample:
// Hormann and Derflinger's rejection-inversion (as in Apache Commons RNG).
class ZipfSampler {
 public:
  ZipfSampler(std::uint64_t n, double s);
  std::uint64_t sample(Random& random) const noexcept;  // 1..n

 private:
  double h(double x) const noexcept;
  double h_integral(double x) const noexcept;
  double h_integral_inverse(double x) const noexcept;

  double n_;
  double s_;
  double h_integral_x1_;
  double h_integral_n_;
  double threshold_;
};

class KeyChooser {
 public:
  KeyChooser(const Options& options, std::uint64_t seed);
  std::uint64_t next() noexcept {
    if (distribution_ == KeyDistribution::kUniform) return random_.below(count_);
    return zipf_.sample(random_) - 1;
  }
  Random& random() noexcept { return random_; }

 private:
  KeyDistribution distribution_;
  std::uint64_t count_;
  Random random_;
  ZipfSampler zipf_;
};

// Writes key `index` as `size` bytes: 'k' then the index zero-padded.
inline void write_key(std::uint64_t index, unsigned size, char* out) noexcept {
  out[0] = 'k';
  for (unsigned i = size; i-- > 1;) {
    out[i] = static_cast<char>('0' + index % 10);
    index /= 10;
  }
}

// The index a key names, or UINT64_MAX when it is not a key of this form and size.
std::uint64_t parse_key(std::string_view key, unsigned size) noexcept;

}  // namespace loadgen
