#include "storage/size_classes.h"

#include <algorithm>

#include "storage/item.h"

namespace memstripe::storage {
namespace {

constexpr std::size_t kSmallest = (Item::kHeaderSize + 1 + kChunkAlignment - 1) / kChunkAlignment *
                                  kChunkAlignment;  // a one-byte key, empty value
constexpr std::size_t kFineUpTo = 256;
constexpr std::size_t kGeometricUpTo = 8192;
constexpr std::size_t kMinChunksPerPage = 4;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

SizeClasses::SizeClasses() {
  auto add = [this](std::size_t size) {
    if (count_ == 0 || size > sizes_[count_ - 1]) sizes_[count_++] = static_cast<std::uint32_t>(size);
  };
  for (std::size_t s = kSmallest; s <= kFineUpTo; s += kChunkAlignment) add(s);
  for (std::size_t s = kFineUpTo; s < kGeometricUpTo;) {
    s = std::min(round_up(s + s / 16, 8), kGeometricUpTo);
    add(s);
  }
  // Beyond 8 KiB, the largest chunk that still fits k times in a page wastes least.
  for (std::size_t k = kPageSize / kGeometricUpTo - 1; k >= kMinChunksPerPage; --k) {
    add(kPageSize / k / kChunkAlignment * kChunkAlignment);
  }
}

unsigned SizeClasses::class_for(std::size_t bytes) const noexcept {
  if (bytes <= kFineUpTo) {
    if (bytes <= kSmallest) return 0;
    return static_cast<unsigned>((bytes - kSmallest + kChunkAlignment - 1) / kChunkAlignment);
  }
  const std::uint32_t* end = sizes_ + count_;
  const std::uint32_t* it = std::lower_bound(sizes_, end, bytes);
  return it == end ? kNone : static_cast<unsigned>(it - sizes_);
}

const SizeClasses& size_classes() {
  static const SizeClasses table;
  return table;
}

}  // namespace memstripe::storage
