// One size class: its pages, the chunks free in them, and the CLOCK hand that sweeps
// them in memory order. Sweeping memory instead of a linked LRU list costs no bytes per
// item; the reference bit in each item gives recently read items a second chance.
//
// Not thread-safe: every member is used with `mutex` held. Lock order: a pool's mutex
// before any shard's mutex, never the other way (see memory_manager.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "storage/adaptive_mutex.h"
#include "storage/counters.h"
#include "storage/page_arena.h"

namespace memstripe::storage {

class ChunkPool {
 public:
  ChunkPool(PageArena& arena, unsigned size_class, std::size_t chunk_size);

  AdaptiveMutex mutex;
  ClassCounters counters;

  unsigned size_class() const noexcept { return size_class_; }
  std::size_t chunk_size() const noexcept { return chunk_size_; }
  std::size_t page_count() const noexcept { return pages_.size(); }
  // The page count for readers without the lock (eviction compares classes by it).
  std::size_t published_page_count() const noexcept { return published_pages_.load(std::memory_order_relaxed); }
  std::size_t live_chunks() const noexcept { return live_; }
  std::size_t chunks_per_page() const noexcept { return per_page_; }

  // Whether `chunk` is where one of this class's chunks starts, in a page the class holds
  // and carved from (an address kept from before may since be another class's).
  bool holds(const Item* chunk) const noexcept;

  // A chunk from a page with room, or nullptr. The chunk's bytes are the caller's.
  Item* take() noexcept;
  // Puts a chunk back. Returns a page that became empty while another page has room (the
  // caller gives it back to the arena), else kNoPage. `keep` is never returned.
  PageId put(Item* chunk, PageId keep = kNoPage) noexcept;
  void add_page(PageId page);
  // Removes a page with no live chunk from the class.
  void remove_page(PageId page) noexcept;
  // Restart: takes a page of this class as a restart found it, its linked chunks live and
  // every other carved chunk free.
  void adopt_page(PageId page);

  // A position in the class's pages, in memory order: the CLOCK hand is one, the expiry
  // sweeper another.
  struct Cursor {
    std::size_t page = 0;  // index into the page list
    std::size_t slot = 0;
  };
  Cursor hand;
  Cursor sweeper;

  // The chunk under the cursor, then advance. nullptr when the class has no chunk.
  Item* next(Cursor& cursor) noexcept;
  // The chunk next() would show, the cursor left where it is.
  Item* peek(const Cursor& cursor) noexcept {
    Cursor copy = cursor;
    return next(copy);
  }
  PageId page_under(const Cursor& cursor) const noexcept;
  // Moves the cursor to the start of the next page (after a page it could not empty).
  void skip_page(Cursor& cursor) noexcept;
  // Every carved chunk of a page, in order.
  template <class Visit>
  void for_each_chunk(PageId page, Visit&& visit);
  // Every carved chunk of the class.
  template <class Visit>
  void for_each_chunk(Visit&& visit);

 private:
  void link_partial(PageId page) noexcept;
  void unlink_partial(PageId page) noexcept;
  Item* chunk_at(PageId page, std::size_t slot) const noexcept {
    return reinterpret_cast<Item*>(arena_.page_start(page) + slot * chunk_size_);
  }

  PageArena& arena_;
  unsigned size_class_;
  std::size_t chunk_size_;
  std::size_t per_page_;
  std::vector<PageId> pages_;
  PageId partial_ = kNoPage;  // pages with free or uncarved chunks
  std::size_t partial_count_ = 0;
  std::size_t live_ = 0;
  std::atomic<std::size_t> published_pages_{0};
};

template <class Visit>
void ChunkPool::for_each_chunk(PageId page, Visit&& visit) {
  const PageInfo& info = arena_.info(page);
  for (std::size_t slot = 0; slot < info.carved; ++slot) visit(chunk_at(page, slot));
}

template <class Visit>
void ChunkPool::for_each_chunk(Visit&& visit) {
  for (PageId page : pages_) for_each_chunk(page, visit);
}

}  // namespace memstripe::storage
