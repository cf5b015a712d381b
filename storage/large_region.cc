#include "storage/large_region.h"

#include <iterator>

#include "storage/memory_file.h"

namespace memstripe::storage {

LargeRegion::LargeRegion(MemoryFile& file)
    : file_(file), base_(file.large_region()), size_(file.large_region_size()) {
  if (size_ != 0) free_.emplace(0, size_);
}

std::size_t LargeRegion::footprint(std::size_t bytes) const noexcept { return PageArena::large_footprint(bytes); }

char* LargeRegion::allocate(std::size_t bytes) {
  const std::size_t need = footprint(bytes);
  std::lock_guard lock(mutex_);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < need) continue;
    const std::size_t offset = it->first;
    const std::size_t rest = it->second - need;
    free_.erase(it);
    if (rest != 0) free_.emplace(offset + need, rest);
    return base_ + offset;
  }
  return nullptr;
}

void LargeRegion::free(char* start, std::size_t bytes) noexcept {
  const std::size_t length = footprint(bytes);
  file_.discard(start, length);
  std::size_t offset = static_cast<std::size_t>(start - base_);
  std::size_t end = offset + length;
  std::lock_guard lock(mutex_);
  auto next = free_.lower_bound(offset);
  if (next != free_.end() && next->first == end) {
    end += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      offset = prev->first;
      free_.erase(prev);
    }
  }
  free_.emplace(offset, end - offset);
}

bool LargeRegion::claim(char* start, std::size_t bytes) {
  if (start < base_ || start >= base_ + size_) return false;
  const std::size_t offset = static_cast<std::size_t>(start - base_);
  const std::size_t length = footprint(bytes);
  if (offset % footprint(1) != 0 || length > size_ - offset) return false;
  std::lock_guard lock(mutex_);
  // The free extent that holds [offset, offset + length) whole, if any.
  auto it = free_.upper_bound(offset);
  if (it == free_.begin()) return false;
  --it;
  const std::size_t free_start = it->first;
  const std::size_t free_end = free_start + it->second;
  if (offset + length > free_end) return false;
  free_.erase(it);
  if (offset > free_start) free_.emplace(free_start, offset - free_start);
  if (free_end > offset + length) free_.emplace(offset + length, free_end - offset - length);
  return true;
}

}  // namespace memstripe::storage
