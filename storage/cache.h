// memstripe's cache: a sharded, lock-striped hash table of items under one hard memory
// limit, with CLOCK eviction, expiry and CAS. It knows nothing of sockets or of the
// protocol's text: callers pass keys, numbers and values; what each operation takes and
// returns is in cache_types.h, the counters `stats` prints in counters.h.
//
// Inside, three parts with a header each: the shards (shard.h: a mutex, a hash index and
// counters each), the memory (memory_manager.h: the -m budget, the size classes and the
// eviction policy, which picks the items to evict and asks the cache, as ItemUnlinker, to
// take them out of their shard's index) and the one CAS sequence (cas_sequence.h).
//
// Locking: an operation on a key holds its shard's mutex alone, for as short as it can.
// Lock order: a size class's pool mutex, then a shard's mutex, then the arena's page pool
// (memory_manager.h).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "storage/cache_types.h"
#include "storage/cas_sequence.h"
#include "storage/clock.h"
#include "storage/counters.h"
#include "storage/item.h"
#include "storage/item_unlinker.h"

namespace memstripe::storage {

class DeferredRelease;
class MemoryFile;
class MemoryManager;
struct Shard;

class Cache final : private ItemUnlinker {
 public:
  // With config.memory_file, the items are that file's, and those it holds from a cache of
  // the same settings are served again (restart_report() says what was found). Throws
  // std::runtime_error when the file cannot be opened or mapped.
  Cache(const CacheConfig& config, Clock& clock);
  ~Cache();
  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;

  // A new, unlinked item, counted against the memory limit before its value is written,
  // as memcached does. A too-large request also removes the key's old item (memcached).
  AllocResult allocate(std::string_view key, std::uint32_t flags, std::int64_t exptime,
                       std::size_t value_length, const AllocOptions& options = {});
  StoreResult store(StoreMode mode, NewItem&& item, const StoreOptions& options = {});

  ReadResult read(std::string_view key, const ReadOptions& options = {});
  // A hint before a pipeline's requests run: each of their lookups would miss the CPU
  // cache twice in a row (the bucket, then the item's header), one request after the
  // other. Touching every bucket, then every head item, first lets those misses overlap,
  // so the lookups that follow hit. Changes nothing; at most kPrefetchKeys keys are used.
  static constexpr std::size_t kPrefetchKeys = 16;
  void prefetch(std::span<const std::string_view> keys) const noexcept;
  ItemDescription describe(std::string_view key);
  bool touch(std::string_view key, std::int64_t exptime);
  RemoveStatus remove(std::string_view key, const RemoveOptions& options = {});
  ArithResult arithmetic(std::string_view key, const ArithOptions& options);
  // flush_all [delay]: once the delay has passed, every item stored before is invalid.
  void flush(std::int64_t delay_exptime = 0);

  // cache_memlimit: a lower limit is reached by eviction as memory is next needed.
  void set_memory_limit(std::size_t bytes);
  // Reclaims expired items, looking at up to `max_items` chunks: the server's upkeep calls
  // it, every millisecond while clients send.
  std::size_t sweep_expired(std::size_t max_items);

  CacheStats stats() const;
  std::vector<SizeClassStats> size_class_stats() const;
  void reset_stats();
  // Visits every live item, one shard locked at a time; stops when `visit` returns false.
  // `visit` runs under the shard lock: it must not call back into the cache.
  void for_each_item(const std::function<bool(const ItemInfo&)>& visit) const;

  // The largest value that fits in -I for this key and flags (memcached's bound).
  std::size_t max_value_length(std::size_t key_length, std::uint32_t flags) const noexcept;
  const CacheConfig& config() const noexcept { return config_; }
  // What the memory file held at the start; empty without one.
  const RestartReport& restart_report() const noexcept { return restart_; }
  Clock& clock() const noexcept { return clock_; }

 private:
  struct ItemSpec {
    std::string_view key;
    std::uint32_t flags = 0;
    RelTime exptime = 0;
    std::size_t value_length = 0;
    bool binary_key = false;
  };

  Shard& shard_for(std::uint64_t hash) const noexcept;
  std::uint64_t next_cas() noexcept { return config_.use_cas ? cas_.next() : 0; }
  // Expired, or invalidated by flush_all (memcached's item_is_flushed()).
  bool is_dead(const Item& item, RelTime now) const noexcept;
  // With the shard locked: the live item for `key`, reclaiming it first if it is dead (it
  // goes to `released`, and counts as get_expired or get_flushed when `count_as_get`).
  Item* find_live(Shard& shard, std::string_view key, std::uint64_t hash, DeferredRelease& released,
                  bool count_as_get = true) noexcept;
  // A new item with its header written and its value's room, unlinked; nullptr when no
  // room can be made.
  Item* allocate_item(const ItemSpec& spec);
  // Handles: adopt() takes over a new item's allocation reference, share() adds one.
  NewItem adopt(Item* item) noexcept { return NewItem(memory_.get(), item); }
  ItemRef share(Item* item) noexcept;
  // append and prepend: the old value and `addition` in a new item, swapped in.
  StoreResult combine(StoreMode mode, NewItem& addition, const StoreOptions& options);
  // Pays for and installs a bigger index, outside the shard lock (paying may evict);
  // `past_the_limit` (recovery only) pays even above the limit.
  void grow_index(Shard& shard, bool past_the_limit = false);
  ItemInfo info_of(const Item& item) const noexcept;
  // ItemUnlinker: the memory manager's eviction and expiry sweep take items out here.
  Unlinked try_unlink(Item& item, Holders holders, Check& check) noexcept override;
  // Links again the items a warm memory file holds, their times moved to this clock;
  // returns the largest CAS among them.
  std::uint64_t recover();
  // With a memory file, flush_all's state goes there too: a restart applies it.
  void remember_flush() noexcept;
  // Restart: links one recovered item unless it is dead or its key has a newer copy.
  bool adopt_recovered(Item& item, std::uint64_t& max_cas);

  CacheConfig config_;
  Clock& clock_;
  std::unique_ptr<MemoryFile> file_;  // before memory_, which uses it
  std::unique_ptr<MemoryManager> memory_;
  unsigned shard_bits_;
  std::vector<std::unique_ptr<Shard>> shards_;
  CasSequence cas_;
  RestartReport restart_;
  // flush_all: items last accessed up to the deadline are invalid once it has passed
  // (memcached's settings.oldest_live); an immediate flush also invalidates, by CAS, those
  // stored earlier in its second.
  std::atomic<RelTime> flush_deadline_{0};
  std::atomic<std::uint64_t> flush_cas_{0};
};

}  // namespace memstripe::storage
