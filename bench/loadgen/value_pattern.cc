#include "value_pattern.h"

#include "value_sizes.h"

namespace loadgen {

ValuePattern::ValuePattern(std::uint32_t max_size, std::uint64_t seed) : max_size_(max_size), seed_(seed) {
  bytes_.resize(static_cast<std::size_t>(kPeriod) + max_size);
  // Printable, never '\r' or '\n', so a value cut short cannot pass for a reply's end.
  for (std::size_t i = 0; i < bytes_.size(); ++i) bytes_[i] = static_cast<char>('!' + (i % kPeriod) * 37 % 94);
}

std::uint32_t ValuePattern::offset(KeyClass key_class, std::uint64_t key) const noexcept {
  // Another hash than the size's (value_sizes.h), so a size tells nothing of the offset.
  return static_cast<std::uint32_t>(mix64(key_hash(key_class, key, seed_)) % kPeriod);
}

}  // namespace loadgen
