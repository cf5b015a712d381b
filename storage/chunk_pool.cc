#include "storage/chunk_pool.h"

#include <cassert>

namespace memstripe::storage {

ChunkPool::ChunkPool(PageArena& arena, unsigned size_class, std::size_t chunk_size)
    : arena_(arena), size_class_(size_class), chunk_size_(chunk_size), per_page_(kPageSize / chunk_size) {}

void ChunkPool::link_partial(PageId page) noexcept {
  PageInfo& info = arena_.info(page);
  assert(!info.partial);
  info.partial = true;
  info.prev_partial = kNoPage;
  info.next_partial = partial_;
  if (partial_ != kNoPage) arena_.info(partial_).prev_partial = page;
  partial_ = page;
  ++partial_count_;
}

void ChunkPool::unlink_partial(PageId page) noexcept {
  PageInfo& info = arena_.info(page);
  if (!info.partial) return;
  if (info.prev_partial != kNoPage) {
    arena_.info(info.prev_partial).next_partial = info.next_partial;
  } else {
    partial_ = info.next_partial;
  }
  if (info.next_partial != kNoPage) arena_.info(info.next_partial).prev_partial = info.prev_partial;
  info.partial = false;
  --partial_count_;
}

bool ChunkPool::holds(const Item* chunk) const noexcept {
  const PageId page = arena_.page_of(chunk);
  const PageInfo& info = arena_.info(page);
  if (info.size_class != size_class_) return false;
  const std::size_t offset = static_cast<std::size_t>(reinterpret_cast<const char*>(chunk) - arena_.page_start(page));
  return offset % chunk_size_ == 0 && offset / chunk_size_ < info.carved;
}

Item* ChunkPool::take() noexcept {
  if (partial_ == kNoPage) return nullptr;
  PageId page = partial_;
  PageInfo& info = arena_.info(page);
  Item* chunk;
  if (info.free_head != 0) {
    chunk = chunk_at(page, info.free_head - 1u);
    info.free_head = static_cast<std::uint16_t>(chunk->next);
  } else {
    chunk = chunk_at(page, info.carved++);
  }
  ++info.live;
  ++live_;
  if (info.free_head == 0 && info.carved == per_page_) unlink_partial(page);
  // Marked before the pool lock is dropped, so the hand skips it until it is linked.
  chunk->bits.store(item_bits::kAllocated, std::memory_order_relaxed);
  return chunk;
}

PageId ChunkPool::put(Item* chunk, PageId keep) noexcept {
  PageId page = arena_.page_of(chunk);
  PageInfo& info = arena_.info(page);
  std::size_t slot = (reinterpret_cast<char*>(chunk) - arena_.page_start(page)) / chunk_size_;
  chunk->bits.store(item_bits::kFree, std::memory_order_release);
  chunk->next = info.free_head;
  info.free_head = static_cast<std::uint16_t>(slot + 1);
  --info.live;
  --live_;
  if (!info.partial) link_partial(page);
  // Keep one empty page per class against churn; return the others to the arena.
  if (info.live == 0 && partial_count_ > 1 && page != keep) {
    remove_page(page);
    return page;
  }
  return kNoPage;
}

void ChunkPool::add_page(PageId page) {
  PageInfo& info = arena_.info(page);
  info = PageInfo{};
  info.size_class = static_cast<std::uint16_t>(size_class_);
  info.position = static_cast<std::uint32_t>(pages_.size());
  pages_.push_back(page);
  published_pages_.store(pages_.size(), std::memory_order_relaxed);
  link_partial(page);
}

void ChunkPool::adopt_page(PageId page) {
  PageInfo& info = arena_.info(page);
  const std::uint16_t carved = info.carved;
  info = PageInfo{};
  info.size_class = static_cast<std::uint16_t>(size_class_);
  info.carved = carved;
  // Freed from the top, so the free list hands out the lowest slots first.
  for (std::size_t slot = carved; slot-- > 0;) {
    Item* chunk = chunk_at(page, slot);
    if (chunk->state() == item_bits::kLinked) {
      ++info.live;
      continue;
    }
    chunk->bits.store(item_bits::kFree, std::memory_order_relaxed);
    chunk->next = info.free_head;
    info.free_head = static_cast<std::uint16_t>(slot + 1);
  }
  live_ += info.live;
  info.position = static_cast<std::uint32_t>(pages_.size());
  pages_.push_back(page);
  published_pages_.store(pages_.size(), std::memory_order_relaxed);
  if (info.free_head != 0 || info.carved < per_page_) link_partial(page);
}

void ChunkPool::remove_page(PageId page) noexcept {
  PageInfo& info = arena_.info(page);
  assert(info.live == 0);
  unlink_partial(page);
  std::size_t pos = info.position;
  PageId last = pages_.back();
  pages_[pos] = last;
  arena_.info(last).position = static_cast<std::uint32_t>(pos);
  pages_.pop_back();
  published_pages_.store(pages_.size(), std::memory_order_relaxed);
  for (Cursor* c : {&hand, &sweeper}) {
    if (c->page >= pages_.size()) {
      *c = Cursor{};
    } else if (c->page == pos) {
      c->slot = 0;  // another page moved under the cursor
    }
  }
}

Item* ChunkPool::next(Cursor& cursor) noexcept {
  for (std::size_t tries = 0; tries <= pages_.size(); ++tries) {
    if (cursor.page >= pages_.size()) cursor = Cursor{};
    if (pages_.empty()) return nullptr;
    PageId page = pages_[cursor.page];
    if (cursor.slot < arena_.info(page).carved) return chunk_at(page, cursor.slot++);
    skip_page(cursor);
  }
  return nullptr;
}

PageId ChunkPool::page_under(const Cursor& cursor) const noexcept {
  return cursor.page < pages_.size() ? pages_[cursor.page] : kNoPage;
}

void ChunkPool::skip_page(Cursor& cursor) noexcept {
  cursor.slot = 0;
  if (++cursor.page >= pages_.size()) cursor.page = 0;
}

}  // namespace memstripe::storage
