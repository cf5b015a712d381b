#include "storage/memory_manager.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "storage/cache_types.h"
#include "storage/hash_index.h"
#include "storage/item_seal.h"
#include "storage/large_region.h"
#include "storage/memory_file.h"
#include "storage/size_classes.h"

namespace memstripe::storage {
namespace {

// How many reclaim rounds an allocation tries before answering "out of memory". Each round
// frees something or finds that everything left is in use.
constexpr int kReclaimRounds = 64;

// A class needing memory takes a page from another class only when that class's oldest
// items are older than its own by more than this many seconds. Ages have the clock's
// one-second resolution and differ by a few seconds at most, so without a margin most
// comparisons are ties or off by one, pages move back and forth on noise, and where they
// settle differs run to run (bench/density.py held 152k-188k items over nine identical
// runs; 172k-186k over seven with this margin). A larger one freezes the split where the
// warm-up left it: 3 s held 146k-149k.
constexpr RelTime kPageMoveMargin = 1;

// S3-FIFO's small queue holds a tenth of a class's items (the paper's 10 % of the cache).
constexpr std::size_t kSmallQueueShare = 10;
// Entries the small queue may hold past twice its share, so a class of a few items has one.
constexpr std::size_t kProbationSlack = 64;
// The ghost queue remembers about as many keys as the cache holds items; this is the item
// size that estimates it from the memory limit (the 230-byte-median mix's chunks average
// about 330 bytes), at 4 bytes a key: 1.6 % of the limit, paid from it.
constexpr std::size_t kGhostBytesPerKey = 256;

using Holders = ItemUnlinker::Holders;
using Unlinked = ItemUnlinker::Unlinked;

// CLOCK's verdict under the shard lock, on an item under the hand (evict_one) or on a page
// being emptied (steal_page). The hand looked at the reference bit before locking the
// shard; a reader may have set it since.
class ClockVictim final : public ItemUnlinker::Check {
 public:
  ClockVictim(bool only_if_dead, bool respect_reference, ClassCounters& counters) noexcept
      : only_if_dead_(only_if_dead), respect_reference_(respect_reference), counters_(counters) {}

  bool accept(Item& item, bool dead) noexcept override {
    if (only_if_dead_ && !dead) return false;
    if (!dead && respect_reference_ && item.has(item_bits::kReferenced)) {
      item.clear(item_bits::kReferenced);
      return false;
    }
    const bool fetched = item.has(item_bits::kFetched);
    if (dead) {
      ++counters_.reclaimed;
      if (!fetched) ++counters_.expired_unfetched;
    } else {
      ++counters_.evicted;
      if (!fetched) ++counters_.evicted_unfetched;
      if (item.has(item_bits::kReferenced)) ++counters_.evicted_active;
    }
    return true;
  }

 private:
  const bool only_if_dead_;
  const bool respect_reference_;
  ClassCounters& counters_;
};

// The expiry sweep's verdict: the item's exptime has passed (read again under the shard
// lock, where a touch would have moved it).
class ExpiredItem final : public ItemUnlinker::Check {
 public:
  ExpiredItem(RelTime now, ClassCounters& counters) noexcept : now_(now), counters_(counters) {}

  bool accept(Item& item, bool) noexcept override {
    const RelTime exptime = item.exptime.load(std::memory_order_relaxed);
    if (exptime == 0 || exptime > now_) return false;
    ++counters_.reclaimed;
    if (!item.has(item_bits::kFetched)) ++counters_.expired_unfetched;
    return true;
  }

 private:
  const RelTime now_;
  ClassCounters& counters_;
};

bool is_expired(const Item& item, RelTime now) noexcept {
  const RelTime exptime = item.exptime.load(std::memory_order_relaxed);
  return exptime != 0 && exptime <= now;
}

}  // namespace

void ItemRef::release_last() noexcept { memory_->free_item(item_); }

MemoryManager::MemoryManager(std::size_t memory_limit, bool evict_when_full, const Clock& clock,
                             ItemUnlinker& unlinker, MemoryFile* file, EvictionPolicy policy)
    : evict_when_full_(evict_when_full), clock_(clock), unlinker_(unlinker), arena_(memory_limit, file) {
  const SizeClasses& classes = size_classes();
  for (unsigned c = 0; c < classes.count(); ++c) {
    pools_.push_back(std::make_unique<ChunkPool>(arena_, c, classes.chunk_size(c)));
  }
  large_pool_ = classes.count();
  std::size_t large_header = Item::kHeaderSize + 4 + kMaxKeyLength + sizeof(Item::LargeValue) + kSealSize;
  large_header = (large_header + kChunkAlignment - 1) / kChunkAlignment * kChunkAlignment;
  pools_.push_back(std::make_unique<ChunkPool>(arena_, large_pool_, large_header));
  tail_hints_ = std::make_unique<std::atomic<RelTime>[]>(pools_.size());
  if (policy == EvictionPolicy::kS3Fifo && evict_when_full) {
    probation_.resize(large_pool_);
    ghost_ = std::make_unique<GhostKeys>(memory_limit / kGhostBytesPerKey);
    arena_.charge(ghost_->bytes());
  }
}

MemoryManager::~MemoryManager() {
  if (arena_.file() != nullptr) return;  // a restart finds them there
  // Values in their own mappings are the only memory the arena does not unmap itself.
  pools_[large_pool_]->for_each_chunk([&](Item* item) {
    if (item->state() != item_bits::kFree && item->is_large()) {
      arena_.unmap_large(item->large_value().data, item->large_value().length);
    }
  });
}

// --- allocation ------------------------------------------------------------------------

bool MemoryManager::fits_in_chunk(std::size_t bytes) noexcept { return bytes <= size_classes().largest_chunk(); }

Item* MemoryManager::allocate_chunk(std::size_t bytes, std::string_view key) {
  assert(fits_in_chunk(bytes));
  return take_chunk(size_classes().class_for(bytes), ghost_ ? GhostKeys::fingerprint(hash_key(key)) : 0);
}

MemoryManager::LargeAllocation MemoryManager::allocate_large(std::size_t value_length) {
  const std::size_t footprint = PageArena::large_footprint(value_length);
  if (!make_room(footprint)) return {};
  char* value = arena_.map_large(value_length);
  Item* header = value != nullptr ? take_chunk(large_pool_) : nullptr;
  if (header == nullptr) {
    if (value != nullptr) arena_.unmap_large(value, value_length);
    arena_.release(footprint);
    return {};
  }
  large_bytes_.fetch_add(footprint, std::memory_order_relaxed);
  return {header, value};
}

void MemoryManager::free_item(Item* item) noexcept {
  // The page cannot change class while it holds this chunk, so its class is stable here.
  ChunkPool& pool = *pools_[size_class_of(item)];
  std::lock_guard lock(pool.mutex);
  free_chunk_locked(pool, item);
}

unsigned MemoryManager::size_class_of(const Item* item) const noexcept {
  return arena_.info(arena_.page_of(item)).size_class;
}

bool MemoryManager::reserve_budget(std::size_t bytes) { return make_room(bytes); }

void MemoryManager::release_budget(std::size_t bytes) noexcept { arena_.release(bytes); }

void MemoryManager::charge_budget(std::size_t bytes) noexcept { arena_.charge(bytes); }

void MemoryManager::set_limit(std::size_t bytes) noexcept { arena_.set_limit(bytes); }

void MemoryManager::publish_tail_hint(ChunkPool& pool, const Item* item) noexcept {
  RelTime hint = 0;  // no pages
  if (pool.page_count() != 0) {
    hint = std::max<RelTime>(1, item != nullptr ? item->atime.load(std::memory_order_relaxed) : clock_.now());
  }
  tail_hints_[pool.size_class()].store(hint, std::memory_order_relaxed);
}

void MemoryManager::free_chunk_locked(ChunkPool& pool, Item* item, PageId keep) noexcept {
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

void MemoryManager::admit(ChunkPool& pool, Item* chunk, std::uint32_t fingerprint) {
  if (fingerprint == 0) return;
  // A key evicted from the small queue lately and stored again was wanted: it goes to the
  // main queue straight away, as S3-FIFO's ghost hits do.
  if (ghost_->forget(fingerprint)) return;
  ProbationQueue& queue = probation_[pool.size_class()];
  queue.push({arena_.offset_of(chunk), fingerprint});
  // Before the class is full nothing leaves the small queue, so it is bounded here: the
  // oldest entries join the main queue unexamined, as nobody is waiting for their memory.
  // Once full, each eviction takes one entry and each store adds one, so the queue shrinks
  // toward its share only as its items are read and stay.
  while (queue.size() > 2 * small_queue_target(pool) + kProbationSlack) queue.pop();
}

std::size_t MemoryManager::small_queue_target(const ChunkPool& pool) noexcept {
  return pool.live_chunks() / kSmallQueueShare;
}

Item* MemoryManager::take_chunk(unsigned pool_index, std::uint32_t fingerprint) {
  ChunkPool& pool = *pools_[pool_index];
  Refusals refusals;
  for (int round = 0; round < kReclaimRounds; ++round) {
    {
      std::lock_guard lock(pool.mutex);
      if (Item* chunk = pool.take()) {
        admit(pool, chunk, fingerprint);
        return chunk;
      }
    }
    if (arena_.try_reserve(kPageSize)) {
      PageId page = arena_.take_page();
      std::lock_guard lock(pool.mutex);
      pool.add_page(page);
      if (tail_hints_[pool_index].load(std::memory_order_relaxed) == 0) publish_tail_hint(pool, nullptr);
      Item* chunk = pool.take();
      admit(pool, chunk, fingerprint);
      return chunk;
    }
    // Late rounds take pages even if they were read lately: progress over recency.
    const bool second_chance = round < kReclaimRounds / 2;
    if (reclaim_for(pool_index, second_chance, refusals) == Reclaim::kNothing && !second_chance) break;
  }
  std::lock_guard lock(pool.mutex);
  ++pool.counters.outofmemory;
  return nullptr;
}

// --- choosing what to reclaim ------------------------------------------------------------

std::size_t MemoryManager::memory_held(unsigned pool_index) const noexcept {
  std::size_t bytes = pools_[pool_index]->published_page_count() * kPageSize;
  if (pool_index == large_pool_) bytes += large_bytes_.load(std::memory_order_relaxed);
  return bytes;
}

bool MemoryManager::older_than(unsigned a, unsigned b) const noexcept {
  RelTime ha = tail_hints_[a].load(std::memory_order_relaxed);
  RelTime hb = tail_hints_[b].load(std::memory_order_relaxed);
  if (ha != hb) return ha < hb;
  // Within the clock's one-second resolution, the class holding more memory gives first.
  return memory_held(a) > memory_held(b);
}

void MemoryManager::note_refusal(unsigned pool, bool second_chance, Refusals& refusals) const {
  // A page passed over for its items read lately is no refusal: a later pass may empty it.
  if (second_chance && pool != large_pool_) return;
  if (refusals.empty()) refusals.resize(pools_.size());
  ++refusals[pool];
}

bool MemoryManager::gave_up_on(unsigned pool, const Refusals& refusals) const noexcept {
  if (refusals.empty()) return false;
  // evict_one passes over the whole class at once; steal_page over one page.
  const std::size_t passes = pool == large_pool_ ? 1 : pools_[pool]->published_page_count() + 1;
  return refusals[pool] >= passes;
}

unsigned MemoryManager::oldest_pool(unsigned exclude, const Refusals& refusals) const noexcept {
  unsigned oldest = SizeClasses::kNone;
  for (unsigned p = 0; p < pools_.size(); ++p) {
    if (p == exclude || tail_hints_[p].load(std::memory_order_relaxed) == 0 || gave_up_on(p, refusals)) continue;
    if (oldest == SizeClasses::kNone || older_than(p, oldest)) oldest = p;
  }
  return oldest;
}

MemoryManager::Reclaim MemoryManager::reclaim_for(unsigned pool_index, bool second_chance, Refusals& refusals) {
  ChunkPool& pool = *pools_[pool_index];
  if (!evict_when_full_) {
    // -M: memory is never taken from live items, only from expired ones.
    return evict_one(pool) ? Reclaim::kChunkFreed : Reclaim::kNothing;
  }
  const RelTime own_hint = tail_hints_[pool_index].load(std::memory_order_relaxed);
  const unsigned other = oldest_pool(pool_index, refusals);
  const bool has_own = own_hint != 0;
  const bool other_is_older =
      other != SizeClasses::kNone && tail_hints_[other].load(std::memory_order_relaxed) + kPageMoveMargin < own_hint;

  // The class evicts its own least recently used item unless another class holds clearly
  // older ones: then that class gives up a page (or, for large values, an item and its mapping).
  auto from_other = [&]() -> Reclaim {
    if (other == SizeClasses::kNone) return Reclaim::kNothing;
    ChunkPool& victim = *pools_[other];
    const bool large = other == large_pool_;
    if (large && evict_one(victim)) return Reclaim::kBudgetFreed;
    const PageId page = large ? kNoPage : steal_page(victim, second_chance);
    if (page == kNoPage) {
      note_refusal(other, second_chance, refusals);
      return Reclaim::kNothing;
    }
    arena_.wipe_for_new_class(page);
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

bool MemoryManager::give_back_pages(unsigned pool_index, bool second_chance) {
  if (pool_index == large_pool_) return evict_one(*pools_[large_pool_]);
  PageId page = steal_page(*pools_[pool_index], second_chance);
  if (page == kNoPage) return false;
  arena_.return_page(page);
  arena_.release(kPageSize);
  return true;
}

bool MemoryManager::make_room(std::size_t bytes) {
  if (!evict_when_full_) {
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
  Refusals refusals;
  for (std::size_t round = 0; round < rounds; ++round) {
    if (arena_.try_reserve(bytes)) return true;
    const unsigned victim = oldest_pool(SizeClasses::kNone, refusals);
    if (victim == SizeClasses::kNone) return false;
    const bool second_chance = passed_over < arena_.pages_in_use();
    if (give_back_pages(victim, second_chance)) continue;
    note_refusal(victim, second_chance, refusals);
    ++passed_over;
  }
  return arena_.try_reserve(bytes);
}

// --- CLOCK -------------------------------------------------------------------------------

bool MemoryManager::evict_one(ChunkPool& pool) {
  std::lock_guard lock(pool.mutex);
  if (ghost_ && pool.size_class() != large_pool_ && evict_from_small_queue(pool)) return true;
  const bool only_expired = !evict_when_full_;
  ClockVictim victim(only_expired, true, pool.counters);
  // Two passes over the class at most: the first may only clear reference bits.
  const std::size_t limit = 2 * pool.page_count() * pool.chunks_per_page() + 1;
  const RelTime now = clock_.now();
  for (std::size_t step = 0; step < limit; ++step) {
    Item* item = pool.next(pool.hand);
    if (item == nullptr) break;
    if (evict_if_unread(pool, *item, only_expired, victim, now) != Evicted::kNo) return true;
  }
  // Nothing here can go (a class holding only free chunks, or items all in use): its hint
  // must not stay the oldest, or every class without pages of its own would keep asking
  // this one, and answer "out of memory", while others hold old items.
  publish_tail_hint(pool, nullptr);
  return false;
}

MemoryManager::Evicted MemoryManager::evict_if_unread(ChunkPool& pool, Item& item, bool only_expired,
                                                      ItemUnlinker::Check& victim, RelTime now) {
  if (item.state() != item_bits::kLinked || item.refcount.load(std::memory_order_relaxed) != 1) return Evicted::kNo;
  const bool expired = is_expired(item, now);
  if (only_expired && !expired) return Evicted::kNo;
  if (!expired && item.has(item_bits::kReferenced)) {
    item.clear(item_bits::kReferenced);  // second chance
    return Evicted::kNo;
  }
  if (unlinker_.try_unlink(item, Holders::kIndexOnly, victim) != Unlinked::kLastReference) return Evicted::kNo;
  publish_tail_hint(pool, &item);
  free_chunk_locked(pool, &item);
  return expired ? Evicted::kExpired : Evicted::kLive;
}

bool MemoryManager::evict_from_small_queue(ChunkPool& pool) {
  ProbationQueue& queue = probation_[pool.size_class()];
  const std::size_t target = small_queue_target(pool);
  ClockVictim victim(false, true, pool.counters);
  const RelTime now = clock_.now();
  while (queue.size() > target) {
    const ProbationQueue::Entry entry = queue.pop();
    Item* item = arena_.item_at(entry.item);
    // Gone since (freed, reused for another key, or its page given to another class).
    if (!pool.holds(item) || item->state() != item_bits::kLinked) continue;
    if (GhostKeys::fingerprint(hash_key(item->key())) != entry.fingerprint) continue;
    // An item read since it was stored (or being read now) stays, in the main queue, where
    // CLOCK gives it one more pass to be read again. The class's age is then that of the
    // item evicted, as under CLOCK: here a young one, so a class whose new items go unread
    // is not taken for one holding old items. (The age of the item under the CLOCK hand
    // instead moved pages to the wrong classes: Zipf 0.9 at -m 64 hit 0.713 against 0.732.)
    switch (evict_if_unread(pool, *item, false, victim, now)) {
      case Evicted::kNo:
        continue;
      case Evicted::kLive:
        ghost_->remember(entry.fingerprint);
        return true;
      case Evicted::kExpired:
        return true;
    }
  }
  return false;
}

PageId MemoryManager::steal_page(ChunkPool& pool, bool second_chance) {
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
  ClockVictim any_item(false, false, pool.counters);
  bool busy = false;
  pool.for_each_chunk(page, [&](Item* item) {
    std::uint8_t state = item->state();
    if (state == item_bits::kFree) return;
    if (state == item_bits::kLinked &&
        unlinker_.try_unlink(*item, Holders::kIndexOnly, any_item) == Unlinked::kLastReference) {
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
  Item* next = pool.page_count() != 0 ? pool.peek(pool.hand) : nullptr;
  publish_tail_hint(pool, next != nullptr && next->state() == item_bits::kLinked ? next : nullptr);
  return page;
}

// --- the expiry sweep ----------------------------------------------------------------------

std::size_t MemoryManager::sweep_expired(std::size_t max_chunks) {
  std::size_t reclaimed = 0;
  std::size_t visited = 0;
  const RelTime now = clock_.now();
  std::lock_guard sweep_lock(sweep_mutex_);
  for (std::size_t n = 0; n < pools_.size() && visited < max_chunks; ++n) {
    std::size_t p = sweep_pool_.load(std::memory_order_relaxed);
    sweep_pool_.store((p + 1) % pools_.size(), std::memory_order_relaxed);
    ChunkPool& pool = *pools_[p];
    std::lock_guard lock(pool.mutex);
    ExpiredItem expired(now, pool.counters);
    std::size_t in_pool = pool.page_count() * pool.chunks_per_page();
    for (std::size_t i = 0; i < in_pool && visited < max_chunks; ++i, ++visited) {
      Item* item = pool.next(pool.sweeper);
      if (item == nullptr) break;
      if (item->state() != item_bits::kLinked || !is_expired(*item, now)) continue;
      switch (unlinker_.try_unlink(*item, Holders::kAny, expired)) {
        case Unlinked::kNo:
          continue;
        case Unlinked::kLastReference:
          free_chunk_locked(pool, item);
          break;
        case Unlinked::kStillHeld:
          break;  // its reader frees it through free_item(), once we unlock
      }
      ++reclaimed;
    }
  }
  return reclaimed;
}

// --- restart ---------------------------------------------------------------------------------

bool MemoryManager::is_whole(const ChunkPool& pool, Item& item, std::vector<Item*>& claimed_large) {
  if (item.key_length == 0 || item.key_length > kMaxKeyLength) return false;
  const std::size_t head = Item::kHeaderSize + item.flags_size() + item.key_length;
  if (pool.size_class() != large_pool_) {
    if (item.is_large() || head + item.small_value_length + kSealSize > pool.chunk_size()) return false;
    return seal_matches(item);
  }
  if (!item.is_large() || head + sizeof(Item::LargeValue) + kSealSize > pool.chunk_size()) return false;
  // The writer's pointer, moved by the distance between its mapping and ours.
  Item::LargeValue v = item.large_value();
  const std::uintptr_t moved = reinterpret_cast<std::uintptr_t>(v.data) - arena_.file()->previous_large_address() +
                               reinterpret_cast<std::uintptr_t>(arena_.large_region()->base());
  v.data = reinterpret_cast<char*>(moved);
  if (v.length == 0 || !arena_.large_region()->claim(v.data, v.length)) return false;
  std::memcpy(const_cast<char*>(item.value_start()), &v, sizeof v);
  if (!seal_matches(item)) {
    arena_.unmap_large(v.data, v.length);
    return false;
  }
  claimed_large.push_back(&item);
  return true;
}

MemoryManager::RecoveryScan MemoryManager::recover(const std::function<bool(Item&)>& accept) {
  RecoveryScan scan;
  std::vector<PageId> candidates;
  for (PageId page = 1; page < arena_.page_limit(); ++page) {
    const PageInfo& info = arena_.info(page);
    if (info.size_class >= pools_.size() || info.carved == 0) continue;
    if (info.carved > pools_[info.size_class]->chunks_per_page()) continue;
    candidates.push_back(page);
  }
  // The pages are paid for before any item is linked, so the indexes grow against the
  // budget as it will be; pages left empty are given back below.
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (!arena_.try_reserve(kPageSize)) {
      candidates.resize(i);  // a file of more pages than the limit pays for: the rest are dropped
      break;
    }
  }
  std::vector<Item*> claimed_large;
  for (PageId page : candidates) {
    ChunkPool& pool = *pools_[arena_.info(page).size_class];
    const std::size_t carved = arena_.info(page).carved;
    for (std::size_t slot = 0; slot < carved; ++slot) {
      Item* item = reinterpret_cast<Item*>(arena_.page_start(page) + slot * pool.chunk_size());
      if (item->state() != item_bits::kLinked) {
        if (item->state() == item_bits::kAllocated) ++scan.unfinished;
        continue;
      }
      if (!is_whole(pool, *item, claimed_large)) {
        ++scan.broken;
        item->bits.store(item_bits::kFree, std::memory_order_relaxed);
        continue;
      }
      item->next = 0;
      item->refcount.store(1, std::memory_order_relaxed);
      if (!accept(*item)) item->bits.store(item_bits::kFree, std::memory_order_relaxed);
    }
  }
  for (Item* item : claimed_large) {
    const Item::LargeValue v = item->large_value();
    if (item->state() != item_bits::kLinked) {
      arena_.unmap_large(v.data, v.length);
      continue;
    }
    const std::size_t footprint = PageArena::large_footprint(v.length);
    arena_.charge(footprint);
    large_bytes_.fetch_add(footprint, std::memory_order_relaxed);
  }
  std::vector<bool> in_use(arena_.page_limit(), false);
  for (PageId page : candidates) {
    ChunkPool& pool = *pools_[arena_.info(page).size_class];
    pool.adopt_page(page);
    if (arena_.info(page).live == 0) {
      pool.remove_page(page);
      arena_.release(kPageSize);
      continue;
    }
    in_use[page] = true;
  }
  arena_.adopt_pages(in_use);
  for (auto& pool : pools_) {
    if (pool->page_count() != 0) publish_tail_hint(*pool, nullptr);
  }
  return scan;
}

// --- stats ---------------------------------------------------------------------------------

void MemoryManager::add_stats(CacheStats& s) const {
  for (const auto& pool : pools_) {
    std::lock_guard lock(pool->mutex);
    static_cast<ClassCounters&>(s) += pool->counters;
  }
  s.evictions = s.evicted;
  s.limit_maxbytes = arena_.limit();
  s.allocated_bytes = arena_.used();
  s.large_bytes = large_bytes_.load(std::memory_order_relaxed);
  s.page_count = arena_.pages_in_use();
}

std::vector<SizeClassStats> MemoryManager::size_class_stats() const {
  std::vector<SizeClassStats> out;
  for (const auto& pool : pools_) {
    std::lock_guard lock(pool->mutex);
    if (pool->page_count() == 0) continue;
    SizeClassStats s;
    static_cast<ClassCounters&>(s) = pool->counters;
    s.id = pool->size_class();
    s.chunk_size = pool->chunk_size();
    s.chunks_per_page = pool->chunks_per_page();
    s.pages = pool->page_count();
    s.used_chunks = pool->live_chunks();
    s.free_chunks = s.pages * s.chunks_per_page - s.used_chunks;
    s.large_headers = pool->size_class() == large_pool_;
    out.push_back(s);
  }
  return out;
}

void MemoryManager::reset_stats() {
  for (auto& pool : pools_) {
    std::lock_guard lock(pool->mutex);
    pool->counters = ClassCounters{};
  }
}

}  // namespace memstripe::storage
