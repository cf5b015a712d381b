// With a memory file, the values too large for a chunk live in the file too, in a region
// of their own: this hands out page-aligned extents of it, first fit, and takes them back,
// merging neighbours. The budget (PageArena) bounds what is live to the memory limit; the
// region is twice that, so gaps between values rarely refuse one.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>

namespace memstripe::storage {

class MemoryFile;

class LargeRegion {
 public:
  explicit LargeRegion(MemoryFile& file);

  // An extent of at least `bytes` (rounded to the OS page), or nullptr when none is free.
  char* allocate(std::size_t bytes);
  // Returns an extent; its memory goes back to the filesystem.
  void free(char* start, std::size_t bytes) noexcept;
  // Recovery: claims the extent a recovered item points at. False when it lies outside
  // the region, is misaligned, or overlaps one already claimed: the item is not whole.
  bool claim(char* start, std::size_t bytes);

  char* base() const noexcept { return base_; }

 private:
  std::size_t footprint(std::size_t bytes) const noexcept;

  MemoryFile& file_;
  char* base_;
  std::size_t size_;
  std::mutex mutex_;  // after a pool's mutex when a freed item returns its value
  std::map<std::size_t, std::size_t> free_;  // offset -> length, no two adjacent
};

}  // namespace memstripe::storage
