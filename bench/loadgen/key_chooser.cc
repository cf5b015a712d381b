#include "key_chooser.h"

#include <algorithm>
#include <cmath>

namespace loadgen {

namespace {

std::uint64_t splitmix64(std::uint64_t& x) noexcept {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// log1p(x)/x and expm1(x)/x, with their series near 0 where the quotients lose precision.
double helper1(double x) noexcept {
  return std::abs(x) > 1e-8 ? std::log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}
double helper2(double x) noexcept {
  return std::abs(x) > 1e-8 ? std::expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
}

}  // namespace

Random::Random(std::uint64_t seed) noexcept {
  for (auto& s : s_) s = splitmix64(seed);
}

std::uint64_t Random::next() noexcept {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

ZipfSampler::ZipfSampler(std::uint64_t n, double s)
    : n_(static_cast<double>(n)), s_(s) {
  h_integral_x1_ = h_integral(1.5) - 1.0;
  h_integral_n_ = h_integral(n_ + 0.5);
  threshold_ = 2.0 - h_integral_inverse(h_integral(2.5) - h(2.0));
}

double ZipfSampler::h(double x) const noexcept { return std::exp(-s_ * std::log(x)); }

// The integral of h from 1 to x: (x^(1-s) - 1) / (1 - s), and log x when s is 1.
double ZipfSampler::h_integral(double x) const noexcept {
  const double log_x = std::log(x);
  return helper2((1.0 - s_) * log_x) * log_x;
}

double ZipfSampler::h_integral_inverse(double x) const noexcept {
  double t = x * (1.0 - s_);
  if (t < -1.0) t = -1.0;  // rounding can push it just past the domain
  return std::exp(helper1(t) * x);
}

std::uint64_t ZipfSampler::sample(Random& random) const noexcept {
  for (;;) {
    const double u = h_integral_n_ + random.unit() * (h_integral_x1_ - h_integral_n_);
    const double x = h_integral_inverse(u);
    double k = std::floor(x + 0.5);
    k = std::clamp(k, 1.0, n_);
    // Accepted at once in the common case; the second test is the exact rejection bound.
    if (k - x <= threshold_ || u >= h_integral(k + 0.5) - h(k)) return static_cast<std::uint64_t>(k);
  }
}

KeyChooser::KeyChooser(const Options& options, std::uint64_t seed)
    : distribution_(options.distribution),
      count_(options.key_count),
      random_(seed),
      zipf_(options.key_count, options.zipf_skew) {}

std::uint64_t parse_key(std::string_view key, unsigned size) noexcept {
  if (key.size() != size || key[0] != 'k') return UINT64_MAX;
  std::uint64_t index = 0;
  for (std::size_t i = 1; i < key.size(); ++i) {
    const char c = key[i];
    if (c < '0' || c > '9') return UINT64_MAX;
    index = index * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return index;
}

}  // namespace loadgen
