// The cache engine behind storage::Cache.
//
// Shards: a key's xxh3 hash picks its shard (top bits) and its bucket (low bits). A shard
// is a mutex, a HashIndex and counters; every operation on a key holds only its shard's
// mutex, and for as short as it can: allocation and copying happen outside it.
//
// Memory: one PageArena budget (the -m limit) pays for pages, large values and the index.
// Items live in ChunkPools, one per size class, whose CLOCK hands pick what to evict. When
// a class needs room it evicts its own least recently used item, or takes a whole page from
// the class whose oldest item is older (memcached rebalances slab pages the same way).
//
// References: the index holds one reference to each linked item, each ItemRef another.
// The last reference frees the chunk. Removing an item from the index never frees it under
// the shard lock: the index's reference is dropped after the lock is released.
//
// Lock order: a ChunkPool's mutex, then a shard's mutex, then the arena's page pool. No
// code takes a pool's mutex while holding a shard's, and at most one of each is held.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "storage/cache.h"
#include "storage/chunk_pool.h"
#include "storage/hash_index.h"
#include "storage/page_arena.h"

namespace memstripe::storage {

struct ShardCounters {
  std::uint64_t curr_items = 0;
  std::uint64_t total_items = 0;
  std::uint64_t bytes = 0;
  std::uint64_t get_hits = 0;
  std::uint64_t get_misses = 0;
  std::uint64_t get_expired = 0;
  std::uint64_t get_flushed = 0;
  std::uint64_t touch_hits = 0;
  std::uint64_t touch_misses = 0;
  std::uint64_t delete_hits = 0;
  std::uint64_t delete_misses = 0;
  std::uint64_t incr_hits = 0;
  std::uint64_t incr_misses = 0;
  std::uint64_t decr_hits = 0;
  std::uint64_t decr_misses = 0;
  std::uint64_t cas_hits = 0;
  std::uint64_t cas_misses = 0;
  std::uint64_t cas_badval = 0;
  std::uint64_t store_too_large = 0;
  std::uint64_t store_no_memory = 0;
};

struct alignas(64) Shard {
  Shard(const PageArena& arena, unsigned index_power) : index(arena, index_power) {}
  std::mutex mutex;
  HashIndex index;
  ShardCounters counters;
  std::uint64_t cas_sequence = 0;  // this shard's CAS values: (sequence << shard bits) | shard
  std::uint64_t flush_cas = 0;     // an immediate flush_all invalidated CAS values below this
  std::size_t growth_blocked_below = 0;  // the budget refused growth at this item count
};

// Items to drop after the shard lock is released: each holds the index's reference.
class DeferredRelease;

class Engine {
 public:
  Engine(const CacheConfig& config, Clock& clock);
  ~Engine();

  struct ItemSpec {
    std::string_view key;
    std::uint32_t flags = 0;
    RelTime exptime = 0;
    std::size_t value_length = 0;
    bool binary_key = false;
  };

  AllocStatus check_size(std::size_t key_length, std::uint32_t flags, std::size_t value_length) const noexcept;
  // nullptr when no room can be made.
  Item* allocate_item(const ItemSpec& spec);
  NewItem adopt(Item* item) noexcept { return NewItem(this, item); }
  ItemRef share(Item* item) noexcept { return ItemRef(this, item); }

  AllocResult allocate(std::string_view key, std::uint32_t flags, std::int64_t exptime,
                       std::size_t value_length, bool binary_key, bool drop_old_if_refused);
  StoreResult store(StoreMode mode, NewItem&& item, const StoreOptions& options);
  ReadResult read(std::string_view key, const ReadOptions& options);
  ItemDescription describe(std::string_view key);
  bool touch(std::string_view key, std::int64_t exptime);
  RemoveStatus remove(std::string_view key, const RemoveOptions& options);
  ArithResult arithmetic(std::string_view key, const ArithOptions& options);
  void flush(std::int64_t delay_exptime);
  void set_memory_limit(std::size_t bytes);
  std::size_t sweep_expired(std::size_t max_items);
  CacheStats stats() const;
  std::vector<SizeClassStats> size_class_stats() const;
  void reset_stats();
  void for_each_item(const std::function<bool(const ItemInfo&)>& visit) const;
  std::size_t max_value_length(std::size_t key_length, std::uint32_t flags) const noexcept;

  const CacheConfig& config() const noexcept { return config_; }
  Clock& clock() const noexcept { return clock_; }

  // The last reference to an unlinked item is gone: its memory goes back to its class.
  void free_item(Item* item) noexcept;

 private:
  friend class DeferredRelease;

  // The top shard_bits_ of the hash; two shifts because one shift by 64 is undefined.
  unsigned shard_number(std::uint64_t hash) const noexcept {
    return static_cast<unsigned>((hash >> 1) >> (63 - shard_bits_));
  }
  Shard& shard_for(std::uint64_t hash) noexcept { return *shards_[shard_number(hash)]; }
  std::uint64_t next_cas(Shard& shard, std::uint64_t hash) noexcept;

  // With the shard locked: the live item for `key`, reclaiming it first if it expired or
  // was flushed (it goes to `released`).
  Item* find_live(Shard& shard, std::string_view key, std::uint64_t hash, DeferredRelease& released,
                  bool count_misses_as_get = true) noexcept;
  bool is_dead(const Shard& shard, const Item* item, RelTime now) const noexcept;
  void link(Shard& shard, Item* item, std::uint64_t hash) noexcept;
  void unlink(Shard& shard, Item* item, std::uint64_t hash, DeferredRelease& released) noexcept;
  void replace(Shard& shard, Item* old, Item* item, std::uint64_t hash, DeferredRelease& released) noexcept;
  // A fetch: marks the item fetched and recently used (memcached's do_item_bump).
  void bump(Item* item, RelTime now) noexcept;
  // A write that keeps the item: recently used, not fetched (memcached's do_item_update).
  void refresh(Item* item, RelTime now) noexcept;
  bool index_wants_growth(const Shard& shard) const noexcept;
  // Pays for and installs a bigger index, outside the shard lock (paying may evict).
  void grow_index(Shard& shard);
  static std::size_t item_bytes(const Item* item) noexcept;
  ItemInfo info_of(const Item* item) const noexcept;
  std::size_t memcached_item_size(std::size_t key_length, std::uint32_t flags,
                                  std::size_t value_length) const noexcept;

  // Memory (eviction.cc).
  unsigned pool_for_chunk(std::size_t bytes) const noexcept;
  Item* take_chunk(unsigned pool);
  bool make_room(std::size_t bytes);
  enum class Reclaim : std::uint8_t { kChunkFreed, kPageGained, kBudgetFreed, kNothing };
  // Frees memory for `pool`: one of its chunks, a page from an older class, or budget.
  Reclaim reclaim_for(unsigned pool, bool second_chance);
  // Frees budget from `pool`: a page, or for the large pool an item and its mapping.
  bool give_back_pages(unsigned pool, bool second_chance);
  std::size_t memory_held(unsigned pool) const noexcept;
  unsigned oldest_pool(unsigned exclude) const noexcept;
  // Whether class `a`'s least recently used items are older than class `b`'s.
  bool older_than(unsigned a, unsigned b) const noexcept;
  // Evicts one item under the pool's CLOCK hand; only expired ones when eviction is off.
  bool evict_one(ChunkPool& pool);
  // Empties the page under the pool's hand; returns it (still paid for), or kNoPage. With
  // `second_chance`, a page holding recently read items is passed over once instead.
  PageId steal_page(ChunkPool& pool, bool second_chance);
  // With the pool locked: unlinks a linked item nobody references. False if it changed.
  bool unlink_for_reuse(Item* item, bool only_if_expired, bool respect_reference, ClassCounters& counters) noexcept;
  // Frees a chunk (and its large value) into its pool; a page left empty goes back to the
  // arena unless it is `keep`.
  void free_chunk_locked(ChunkPool& pool, Item* item, PageId keep = kNoPage) noexcept;
  void publish_tail_hint(ChunkPool& pool, const Item* item) noexcept;

  CacheConfig config_;
  Clock& clock_;
  PageArena arena_;
  unsigned shard_bits_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<ChunkPool>> pools_;
  unsigned large_pool_;  // headers of items whose value has its own mapping
  // Per pool, the last access time of the items near its hand (0: no pages). Eviction
  // compares these to find the class holding the oldest items; one array so the scan
  // reads a few cache lines instead of one per pool.
  std::unique_ptr<std::atomic<RelTime>[]> tail_hints_;
  std::atomic<std::uint64_t> large_bytes_{0};
  std::atomic<RelTime> flush_deadline_{0};  // memcached's settings.oldest_live
  std::atomic<std::size_t> sweep_pool_{0};

  // Counters the engine keeps outside the shards (eviction happens per class).
  mutable std::mutex sweep_mutex_;
};

}  // namespace memstripe::storage
