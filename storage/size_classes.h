// The chunk sizes items are carved in. Fine classes keep the rounding loss small: every
// 4 bytes up to 256, then steps of about 1/16, then the sizes that divide a page evenly.
// An item bigger than the largest class keeps only its header in a chunk and its value
// in a mapping of its own.
#pragma once

#include <cstddef>
#include <cstdint>

namespace memstripe::storage {

inline constexpr std::size_t kPageSize = 64 * 1024;
inline constexpr std::size_t kChunkAlignment = 4;

class SizeClasses {
 public:
  static constexpr unsigned kMaxClasses = 160;
  static constexpr std::uint16_t kNone = 0xFFFF;

  SizeClasses();

  unsigned count() const noexcept { return count_; }
  std::size_t chunk_size(unsigned cls) const noexcept { return sizes_[cls]; }
  std::size_t chunks_per_page(unsigned cls) const noexcept { return kPageSize / sizes_[cls]; }
  std::size_t largest_chunk() const noexcept { return sizes_[count_ - 1]; }
  // The smallest class that holds `bytes`, or kNone when it needs a mapping of its own.
  unsigned class_for(std::size_t bytes) const noexcept;

 private:
  std::uint32_t sizes_[kMaxClasses];
  unsigned count_ = 0;
};

// One shared table: the classes depend on nothing but constants.
const SizeClasses& size_classes();

}  // namespace memstripe::storage
