// One shard of the cache: a mutex, a hash index and counters. A key's hash picks its
// shard (top bits) and its bucket (low bits); an operation on a key holds its shard's
// mutex alone, for as short as it can: allocation and copying happen outside it.
//
// Every member below the mutex is used with it held; link() and remove() keep the
// counters in step with the index.
//
// References: the index holds one reference to each linked item, each ItemRef another.
// The last reference frees the chunk, which takes its pool's mutex, and a pool's mutex
// comes before a shard's (memory_manager.h): so unlink() never drops the index's reference
// under the lock, but hands it to a DeferredRelease that drops it once the lock is gone.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "storage/adaptive_mutex.h"
#include "storage/counters.h"
#include "storage/hash_index.h"
#include "storage/item.h"
#include "storage/item_seal.h"
#include "storage/memory_manager.h"

namespace memstripe::storage {

// Items whose index reference is dropped once the shard lock is released. Declare it
// before the lock_guard, so that it is destroyed after it.
class DeferredRelease {
 public:
  explicit DeferredRelease(MemoryManager& memory) noexcept : memory_(memory) {}
  ~DeferredRelease() {
    for (int i = 0; i < count_; ++i) {
      if (items_[i]->refcount.fetch_sub(1, std::memory_order_acq_rel) == 1) memory_.free_item(items_[i]);
    }
  }
  DeferredRelease(const DeferredRelease&) = delete;
  DeferredRelease& operator=(const DeferredRelease&) = delete;

  void add(Item* item) noexcept {
    assert(count_ < kCapacity);
    items_[count_++] = item;
  }

 private:
  static constexpr int kCapacity = 4;  // an operation unlinks at most two items
  MemoryManager& memory_;
  Item* items_[kCapacity];
  int count_ = 0;
};

struct alignas(64) Shard {
  // `sealed`: items are in a memory file, and sealed for a restart (item_seal.h).
  Shard(const PageArena& arena, unsigned index_power, bool sealed) : index(arena, index_power), sealed(sealed) {}

  AdaptiveMutex mutex;
  HashIndex index;
  ShardCounters counters;
  const bool sealed;

  // Puts `item` in the index with its CAS value and the index's reference.
  void link(Item* item, std::uint64_t hash, std::uint64_t cas) noexcept {
    item->cas = cas;
    if (sealed) seal_item(*item);
    item->refcount.fetch_add(1, std::memory_order_relaxed);
    index.insert(item, hash);
    set_state(item, item_bits::kLinked);
    ++counters.curr_items;
    ++counters.total_items;
    counters.bytes += item->total_size();
  }
  // Takes `item` out of the index, marked unlinked. The index's reference is now the
  // caller's to drop: later, through unlink(), unless the caller holds the item's pool lock.
  void remove(Item* item, std::uint64_t hash) noexcept {
    index.remove(item, hash);
    set_state(item, item_bits::kUnlinked);
    --counters.curr_items;
    counters.bytes -= item->total_size();
  }
  void unlink(Item* item, std::uint64_t hash, DeferredRelease& released) noexcept {
    remove(item, hash);
    released.add(item);
  }
  // Unlink and link keep the counters right; the chain position is not worth keeping.
  // Sealed, the new item is linked first, so that a crash between the two leaves a restart
  // both copies (it keeps the one with the larger CAS), never neither; unsealed, the old
  // one goes first, which spares the unlink's walk a step past the new one.
  void replace(Item* old, Item* item, std::uint64_t hash, std::uint64_t cas, DeferredRelease& released) noexcept {
    if (sealed) {
      link(item, hash, cas);
      unlink(old, hash, released);
    } else {
      unlink(old, hash, released);
      link(item, hash, cas);
    }
  }
  // A value or CAS changed in place (incr, meta `I`).
  void changed(Item* item) noexcept {
    if (sealed) seal_item(*item);
  }
  // Restart: a recovered item, already linked and holding the index's reference.
  void adopt(Item* item, std::uint64_t hash) noexcept {
    index.insert(item, hash);
    ++counters.curr_items;
    ++counters.total_items;
    counters.bytes += item->total_size();
  }

  // The index asks to grow, and the budget has not refused it at about this size.
  bool wants_growth() const noexcept { return index.wants_growth() && index.size() >= growth_blocked_below; }
  // The budget refused the growth: ask again once the index holds a quarter more.
  void growth_refused() noexcept { growth_blocked_below = index.size() + index.size() / 4; }

  std::size_t growth_blocked_below = 0;

 private:
  static void set_state(Item* item, std::uint8_t state) noexcept {
    std::uint8_t bits = item->bits.load(std::memory_order_relaxed);
    item->bits.store(static_cast<std::uint8_t>((bits & ~item_bits::kStateMask) | state), std::memory_order_release);
  }
};

}  // namespace memstripe::storage
