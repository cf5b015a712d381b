// The memory of the cache: one budget in allocated bytes (the -m limit), and the pages
// and large-value mappings it pays for. Items are addressed by 32-bit offsets into one
// reserved range of address space, so the index and the hash chains hold 4 bytes per
// link instead of 8. With a memory file (-e) the pages, their descriptors and the large
// values are the file's (memory_file.h), sized for the limit it was made for.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/item.h"
#include "storage/size_classes.h"

namespace memstripe::storage {

using PageId = std::uint32_t;
inline constexpr PageId kNoPage = 0;  // page 0 is never handed out: offset 0 means "no item"

// What the owning size class knows about one of its pages; guarded by that class's lock.
struct PageInfo {
  std::uint16_t size_class = SizeClasses::kNone;
  std::uint16_t live = 0;       // chunks handed out and not yet freed
  std::uint16_t carved = 0;     // chunks cut from the page so far
  std::uint16_t free_head = 0;  // 1 + slot of the first freed chunk, 0 when none
  PageId prev_partial = kNoPage;  // the class's list of pages with room
  PageId next_partial = kNoPage;
  std::uint32_t position = 0;  // index in the class's page list
  bool partial = false;
};

class LargeRegion;
class MemoryFile;

class PageArena {
 public:
  // Without a file, anonymous memory; with one, the file's (it outlives the arena).
  explicit PageArena(std::size_t memory_limit, MemoryFile* file = nullptr);
  ~PageArena();
  PageArena(const PageArena&) = delete;
  PageArena& operator=(const PageArena&) = delete;

  // The budget. Whatever the cache holds is reserved here first, and never past the limit.
  bool try_reserve(std::size_t bytes) noexcept;
  void release(std::size_t bytes) noexcept;
  // Restart: memory a file holds is paid for even past the limit; eviction brings it back.
  void charge(std::size_t bytes) noexcept { used_.fetch_add(bytes, std::memory_order_relaxed); }
  std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::size_t limit() const noexcept { return limit_.load(std::memory_order_relaxed); }
  // cache_memlimit; a memory file holds no more than the limit it was made for.
  void set_limit(std::size_t bytes) noexcept;

  // A page for a size class; the caller has reserved kPageSize in the budget.
  PageId take_page();
  // Returns the page's memory to the system and its id to the pool (budget: caller's).
  void return_page(PageId page) noexcept;
  std::size_t pages_in_use() const noexcept { return pages_in_use_.load(std::memory_order_relaxed); }
  // A page about to hold another class's chunks: with a memory file it is zeroed first, so
  // that a restart reading it by its new class never takes the old bytes for an item.
  void wipe_for_new_class(PageId page) noexcept;

  PageInfo& info(PageId page) noexcept { return infos_[page]; }
  const PageInfo& info(PageId page) const noexcept { return infos_[page]; }
  char* page_start(PageId page) const noexcept { return base_ + std::size_t{page} * kPageSize; }
  PageId page_of(const void* p) const noexcept {
    return static_cast<PageId>((static_cast<const char*>(p) - base_) / kPageSize);
  }
  Item* item_at(ItemOffset offset) const noexcept {
    return reinterpret_cast<Item*>(base_ + std::size_t{offset} * kChunkAlignment);
  }
  ItemOffset offset_of(const Item* item) const noexcept {
    return static_cast<ItemOffset>((reinterpret_cast<const char*>(item) - base_) / kChunkAlignment);
  }

  // Values too big for a chunk get a private mapping (with a memory file, an extent of
  // its large region); the budget pays large_footprint().
  static std::size_t large_footprint(std::size_t bytes) noexcept;
  char* map_large(std::size_t bytes) noexcept;  // nullptr when the system refuses
  void unmap_large(char* data, std::size_t bytes) noexcept;

  // Restart from a memory file.
  MemoryFile* file() const noexcept { return file_; }
  std::size_t page_limit() const noexcept { return page_limit_; }
  LargeRegion* large_region() const noexcept { return large_region_.get(); }
  // After recovery: the pages marked in `in_use` are the classes'; the others are free,
  // and their memory goes back to the filesystem.
  void adopt_pages(const std::vector<bool>& in_use);

 private:
  char* base_ = nullptr;
  std::size_t address_space_ = 0;
  PageInfo* infos_ = nullptr;
  std::size_t infos_bytes_ = 0;
  PageId page_limit_ = 0;
  MemoryFile* file_ = nullptr;
  std::unique_ptr<LargeRegion> large_region_;

  std::mutex pool_mutex_;  // taken only when a class gains or loses a page
  PageId free_pages_ = kNoPage;  // returned pages, linked through PageInfo::next_partial
  PageId next_fresh_ = 1;
  std::atomic<std::size_t> pages_in_use_{0};

  std::atomic<std::size_t> used_{0};
  std::atomic<std::size_t> limit_;
};

}  // namespace memstripe::storage
