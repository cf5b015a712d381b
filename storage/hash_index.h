// One shard's index: buckets of item offsets, chained through Item::next. It grows by
// doubling, and moves the old buckets over a few at a time on later operations, so a
// growing shard never stops for a full rehash (memcached's assoc expansion does the same
// with a thread; here the shard's own traffic pays for it).
//
// Not thread-safe: the shard lock guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "storage/item.h"

namespace memstripe::storage {

class PageArena;

std::uint64_t hash_key(std::string_view key) noexcept;

class HashIndex {
 public:
  // Chains average up to this many items before the index asks to grow. One, not two: a
  // lookup's cost is its miss on each item header it walks (85 % of find()'s samples in a
  // binary getkq pipeline), and a bucket costs 4-8 B per item where an item costs ~50.
  static constexpr std::size_t kMaxLoad = 1;

  HashIndex(const PageArena& arena, unsigned initial_power);

  Item* find(std::string_view key, std::uint64_t hash) noexcept;
  // Cache::prefetch()'s two steps: the bucket `hash` falls in, then the item at its head.
  void prefetch_bucket(std::uint64_t hash) noexcept { __builtin_prefetch(slot_for(hash)); }
  void prefetch_head(std::uint64_t hash) noexcept;
  void insert(Item* item, std::uint64_t hash) noexcept;
  // Puts `replacement` where `old` was (same key).
  void replace(Item* old, Item* replacement, std::uint64_t hash) noexcept;
  // Unlinks `item`; false when it is not in the index.
  bool remove(const Item* item, std::uint64_t hash) noexcept;

  std::size_t size() const noexcept { return count_; }
  std::size_t bucket_count() const noexcept { return mask_ + 1; }
  std::size_t bytes() const noexcept;
  bool expanding() const noexcept { return old_ != nullptr; }

  // Growth, in two steps because the budget must pay for the new buckets first and that
  // may evict, which the shard lock must not be held for.
  bool wants_growth() const noexcept { return !expanding() && count_ > kMaxLoad * bucket_count(); }
  std::size_t growth_bytes() const noexcept { return 2 * bucket_count() * sizeof(ItemOffset); }
  void start_growth(std::unique_ptr<ItemOffset[]> buckets) noexcept;
  // Moves up to `buckets` old buckets; returns the bytes freed when the move completes.
  std::size_t migrate(std::size_t buckets) noexcept;

  // Visits every item; `visit(Item*)` returns false to stop. It must not change the index.
  template <class Visit>
  void for_each(Visit&& visit) const;

 private:
  ItemOffset* slot_for(std::uint64_t hash) noexcept;
  ItemOffset* find_slot(const Item* item, std::uint64_t hash) noexcept;

  const PageArena& arena_;
  std::unique_ptr<ItemOffset[]> buckets_;
  std::size_t mask_;
  std::unique_ptr<ItemOffset[]> old_;  // while expanding: buckets not yet moved
  std::size_t old_mask_ = 0;
  std::size_t migrated_ = 0;  // old buckets below this one have moved
  std::size_t count_ = 0;
};

}  // namespace memstripe::storage

#include "storage/page_arena.h"

namespace memstripe::storage {

template <class Visit>
void HashIndex::for_each(Visit&& visit) const {
  auto walk = [&](const ItemOffset* buckets, std::size_t from, std::size_t to) {
    for (std::size_t b = from; b < to; ++b) {
      for (ItemOffset o = buckets[b]; o != 0;) {
        Item* item = arena_.item_at(o);
        o = item->next;
        if (!visit(item)) return false;
      }
    }
    return true;
  };
  if (old_ && !walk(old_.get(), migrated_, old_mask_ + 1)) return;
  walk(buckets_.get(), 0, mask_ + 1);
}

}  // namespace memstripe::storage
