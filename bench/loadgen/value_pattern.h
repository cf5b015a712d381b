// The cache-aside mode's values check themselves: a key's value is a run of a fixed
// printable pattern (period 251, a prime) starting at an offset that is a hash of the key.
// Writing one is a copy; checking a hit is a compare: a value that comes back for another
// key, cut short, or overwritten shows (all but 1 in 251 of the wrong keys' values do).
// Any length checks, so a trace's key whose size changed still checks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cache_aside_request.h"

namespace loadgen {

class ValuePattern {
 public:
  // Values up to `max_size` bytes.
  ValuePattern(std::uint32_t max_size, std::uint64_t seed);

  std::string_view value(KeyClass key_class, std::uint64_t key, std::uint32_t size) const noexcept {
    return {bytes_.data() + offset(key_class, key), size};
  }
  bool matches(KeyClass key_class, std::uint64_t key, std::string_view value) const noexcept {
    return value.size() <= max_size_ && value == this->value(key_class, key, static_cast<std::uint32_t>(value.size()));
  }

  static constexpr std::uint32_t kPeriod = 251;

 private:
  std::uint32_t offset(KeyClass key_class, std::uint64_t key) const noexcept;

  std::uint32_t max_size_;
  std::uint64_t seed_;
  std::string bytes_;  // kPeriod + max_size bytes of the pattern
};

}  // namespace loadgen
