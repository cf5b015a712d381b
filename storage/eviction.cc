// Where memory comes from when the budget is spent: the CLOCK hand of a size class, whole
// pages taken from the class with the oldest items, and the expiry sweeper.
#include <algorithm>
#include <cassert>

#include "storage/engine.h"

namespace memstripe::storage {
namespace {

// How many reclaim rounds an allocation tries before answering "out of memory". Each round
// frees something or finds that everything left is in use.
constexpr int kReclaimRounds = 64;

}  // namespace

unsigned Engine::pool_for_chunk(std::size_t bytes) const noexcept { return size_classes().class_for(bytes); }

void Engine::publish_tail_hint(ChunkPool& pool, const Item* item) noexcept {
  RelTime hint = 0;  // no pages
  if (pool.page_count() != 0) {
    hint = std::max<RelTime>(1, item != nullptr ? item->atime.load(std::memory_order_relaxed) : clock_.now());
  }
  tail_hints_[pool.size_class()].store(hint, std::memory_order_relaxed);
}

void Engine::free_chunk_locked(ChunkPool& pool, Item* item, PageId keep) noexcept {
  if (item->is_large()) {
    Item::LargeValue v = item->large_value();
    std::size_t footprint = PageArena::large_footprint(v.length);
    arena_.unmap_large(v.data, v.length);
    arena_.release(footprint);
    large_bytes_.fetch_sub(footprint, std::memory_order_relaxed);
  }
  PageId empty = pool.put(item, keep);
  if (empty != kNoPage) {
    arena_.return_page(empty);
    arena_.release(kPageSize);
  }
  if (pool.page_count() == 0) tail_hints_[pool.size_class()].store(0, std::memory_order_relaxed);
}

void Engine::free_item(Item* item) noexcept {
  // The page cannot change class while it holds this chunk, so its class is stable here.
  ChunkPool& pool = *pools_[arena_.info(arena_.page_of(item)).size_class];
  std::lock_guard lock(pool.mutex);
  free_chunk_locked(pool, item);
}

Item* Engine::take_chunk(unsigned pool_index) {
  ChunkPool& pool = *pools_[pool_index];
  for (int round = 0; round < kReclaimRounds; ++round) {
    {
      std::lock_guard lock(pool.mutex);
      if (Item* chunk = pool.take()) return chunk;
    }
    if (arena_.try_reserve(kPageSize)) {
      PageId page = arena_.take_page();
      std::lock_guard lock(pool.mutex);
      pool.add_page(page);
      if (tail_hints_[pool_index].load(std::memory_order_relaxed) == 0) publish_tail_hint(pool, nullptr);
      return pool.take();
    }
    // Late rounds take pages even if they were read lately: progress over recency.
    const bool second_chance = round < kReclaimRounds / 2;
    if (reclaim_for(pool_index, second_chance) == Reclaim::kNothing && !second_chance) break;
  }
  std::lock_guard lock(pool.mutex);
  ++pool.counters.outofmemory;
  return nullptr;
}

std::size_t Engine::memory_held(unsigned pool_index) const noexcept {
  std::size_t bytes = pools_[pool_index]->published_page_count() * kPageSize;
  if (pool_index == large_pool_) bytes += large_bytes_.load(std::memory_order_relaxed);
  return bytes;
}

bool Engine::older_than(unsigned a, unsigned b) const noexcept {
  RelTime ha = tail_hints_[a].load(std::memory_order_relaxed);
  RelTime hb = tail_hints_[b].load(std::memory_order_relaxed);
  if (ha != hb) return ha < hb;
  // Within the clock's one-second resolution, the class holding more memory gives first.
  return memory_held(a) > memory_held(b);
}

unsigned Engine::oldest_pool(unsigned exclude) const noexcept {
  unsigned oldest = SizeClasses::kNone;
  for (unsigned p = 0; p < pools_.size(); ++p) {
    if (p == exclude || tail_hints_[p].load(std::memory_order_relaxed) == 0) continue;
    if (oldest == SizeClasses::kNone || older_than(p, oldest)) oldest = p;
  }
  return oldest;
}

Engine::Reclaim Engine::reclaim_for(unsigned pool_index, bool second_chance) {
  ChunkPool& pool = *pools_[pool_index];
  if (!config_.evict_when_full) {
    // -M: memory is never taken from live items, only from expired ones.
    return evict_one(pool) ? Reclaim::kChunkFreed : Reclaim::kNothing;
  }
  const RelTime own_hint = tail_hints_[pool_index].load(std::memory_order_relaxed);
  const unsigned other = oldest_pool(pool_index);
  const bool has_own = own_hint != 0;
  const bool other_is_older = other != SizeClasses::kNone && older_than(other, pool_index);

  // The class evicts its own least recently used item unless another class holds older
  // ones: then that class gives up a page (or, for large values, an item and its mapping).
  auto from_other = [&]() -> Reclaim {
    if (other == SizeClasses::kNone) return Reclaim::kNothing;
    ChunkPool& victim = *pools_[other];
    if (other == large_pool_) return evict_one(victim) ? Reclaim::kBudgetFreed : Reclaim::kNothing;
    PageId page = steal_page(victim, second_chance);
    if (page == kNoPage) return Reclaim::kNothing;
    std::lock_guard lock(pool.mutex);
    pool.add_page(page);
    if (tail_hints_[pool_index].load(std::memory_order_relaxed) == 0) publish_tail_hint(pool, nullptr);
    return Reclaim::kPageGained;
  };
  auto from_own = [&]() { return has_own && evict_one(pool) ? Reclaim::kChunkFreed : Reclaim::kNothing; };

  Reclaim r = (!has_own || other_is_older) ? from_other() : from_own();
  if (r == Reclaim::kNothing) r = (!has_own || other_is_older) ? from_own() : from_other();
  return r;
}

bool Engine::give_back_pages(unsigned pool_index, bool second_chance) {
  if (pool_index == large_pool_) return evict_one(*pools_[large_pool_]);
  PageId page = steal_page(*pools_[pool_index], second_chance);
  if (page == kNoPage) return false;
  arena_.return_page(page);
  arena_.release(kPageSize);
  return true;
}

bool Engine::make_room(std::size_t bytes) {
  if (!config_.evict_when_full) {
    // -M: only expired large values may go.
    while (!arena_.try_reserve(bytes)) {
      if (!evict_one(*pools_[large_pool_])) return false;
    }
    return true;
  }
  // Each fruitless round moves a hand on by a page, so this bound lets the oldest classes
  // pass over every page they have, once giving recently read pages a second chance.
  const std::size_t rounds = kReclaimRounds + bytes / kPageSize + 2 * arena_.pages_in_use();
  std::size_t passed_over = 0;
  for (std::size_t round = 0; round < rounds; ++round) {
    if (arena_.try_reserve(bytes)) return true;
    const unsigned victim = oldest_pool(SizeClasses::kNone);
    if (victim == SizeClasses::kNone) return false;
    if (give_back_pages(victim, passed_over < arena_.pages_in_use())) continue;
    ++passed_over;
  }
  return arena_.try_reserve(bytes);
}

bool Engine::unlink_for_reuse(Item* item, bool only_if_expired, bool respect_reference,
                              ClassCounters& counters) noexcept {
  // The pool lock is held, so this chunk cannot be freed and reused under us, and a linked
  // item's key never changes: reading it to find the shard is safe.
  const std::uint64_t hash = hash_key(item->key());
  Shard& shard = shard_for(hash);
  std::lock_guard lock(shard.mutex);
  if (item->state() != item_bits::kLinked || item->refcount.load(std::memory_order_acquire) != 1) return false;
  const bool dead = is_dead(shard, item, clock_.now());
  if (only_if_expired && !dead) return false;
  if (!dead && respect_reference && item->has(item_bits::kReferenced)) {
    item->clear(item_bits::kReferenced);
    return false;
  }
  const bool fetched = item->has(item_bits::kFetched);
  if (dead) {
    ++counters.reclaimed;
    if (!fetched) ++counters.expired_unfetched;
  } else {
    ++counters.evicted;
    if (!fetched) ++counters.evicted_unfetched;
    if (item->has(item_bits::kReferenced)) ++counters.evicted_active;
  }
  shard.index.remove(item, hash);
  --shard.counters.curr_items;
  shard.counters.bytes -= item_bytes(item);
  // Nobody else holds it (refcount 1 is the index) and new readers need the shard lock.
  item->refcount.store(0, std::memory_order_relaxed);
  return true;
}

bool Engine::evict_one(ChunkPool& pool) {
  std::lock_guard lock(pool.mutex);
  const bool only_expired = !config_.evict_when_full;
  // Two passes over the class at most: the first may only clear reference bits.
  const std::size_t limit = 2 * pool.page_count() * pool.chunks_per_page() + 1;
  const RelTime now = clock_.now();
  for (std::size_t step = 0; step < limit; ++step) {
    Item* item = pool.next(pool.hand);
    if (item == nullptr) break;
    if (item->state() != item_bits::kLinked || item->refcount.load(std::memory_order_relaxed) != 1) continue;
    RelTime exptime = item->exptime.load(std::memory_order_relaxed);
    const bool expired = exptime != 0 && exptime <= now;
    if (only_expired && !expired) continue;
    if (!expired && item->has(item_bits::kReferenced)) {
      item->clear(item_bits::kReferenced);  // second chance
      continue;
    }
    if (!unlink_for_reuse(item, only_expired, true, pool.counters)) continue;
    publish_tail_hint(pool, item);
    free_chunk_locked(pool, item);
    return true;
  }
  return false;
}

PageId Engine::steal_page(ChunkPool& pool, bool second_chance) {
  std::lock_guard lock(pool.mutex);
  const PageId page = pool.page_under(pool.hand);
  if (page == kNoPage) return kNoPage;
  if (second_chance) {
    // CLOCK at page grain: a page read from since the hand last passed is passed over
    // once, its reference bits cleared, so pages with hot items go last.
    bool referenced = false;
    pool.for_each_chunk(page, [&](Item* item) {
      if (item->state() == item_bits::kLinked && item->has(item_bits::kReferenced)) {
        item->clear(item_bits::kReferenced);
        referenced = true;
      }
    });
    if (referenced) {
      pool.skip_page(pool.hand);
      return kNoPage;
    }
  }
  bool busy = false;
  pool.for_each_chunk(page, [&](Item* item) {
    std::uint8_t state = item->state();
    if (state == item_bits::kFree) return;
    if (state == item_bits::kLinked && unlink_for_reuse(item, false, false, pool.counters)) {
      free_chunk_locked(pool, item, page);
      return;
    }
    busy = true;  // being written, or read by a reply in flight
  });
  if (busy || arena_.info(page).live != 0) {
    pool.skip_page(pool.hand);
    return kNoPage;
  }
  pool.remove_page(page);
  ++pool.counters.pages_stolen;
  Item* next = pool.page_count() != 0 ? pool.next(pool.hand) : nullptr;
  if (next != nullptr) {
    // Peek, do not consume: step the hand back onto the item it just showed.
    pool.hand.slot = pool.hand.slot > 0 ? pool.hand.slot - 1 : 0;
  }
  publish_tail_hint(pool, next != nullptr && next->state() == item_bits::kLinked ? next : nullptr);
  return page;
}

std::size_t Engine::sweep_expired(std::size_t max_items) {
  std::size_t reclaimed = 0;
  std::size_t visited = 0;
  const RelTime now = clock_.now();
  std::lock_guard sweep_lock(sweep_mutex_);
  for (std::size_t n = 0; n < pools_.size() && visited < max_items; ++n) {
    std::size_t p = sweep_pool_.load(std::memory_order_relaxed);
    sweep_pool_.store((p + 1) % pools_.size(), std::memory_order_relaxed);
    ChunkPool& pool = *pools_[p];
    std::lock_guard lock(pool.mutex);
    std::size_t in_pool = pool.page_count() * pool.chunks_per_page();
    for (std::size_t i = 0; i < in_pool && visited < max_items; ++i, ++visited) {
      Item* item = pool.next(pool.sweeper);
      if (item == nullptr) break;
      if (item->state() != item_bits::kLinked) continue;
      RelTime exptime = item->exptime.load(std::memory_order_relaxed);
      if (exptime == 0 || exptime > now) continue;
      const std::uint64_t hash = hash_key(item->key());
      Shard& shard = shard_for(hash);
      bool last_reference = false;
      {
        std::lock_guard shard_lock(shard.mutex);
        if (item->state() != item_bits::kLinked) continue;
        ++pool.counters.reclaimed;
        if (!item->has(item_bits::kFetched)) ++pool.counters.expired_unfetched;
        shard.index.remove(item, hash);
        --shard.counters.curr_items;
        shard.counters.bytes -= item_bytes(item);
        std::uint8_t bits = item->bits.load(std::memory_order_relaxed);
        item->bits.store(static_cast<std::uint8_t>((bits & ~item_bits::kStateMask) | item_bits::kUnlinked),
                         std::memory_order_release);
        last_reference = item->refcount.fetch_sub(1, std::memory_order_acq_rel) == 1;
      }
      // A reader still holding it frees it later, through free_item (after we unlock).
      if (last_reference) free_chunk_locked(pool, item);
      ++reclaimed;
    }
  }
  return reclaimed;
}

}  // namespace memstripe::storage
