// memstripe's cache engine: a sharded, lock-striped hash table of items under one hard
// memory limit, with CLOCK eviction, expiry and CAS. It knows nothing of sockets or of
// the protocol's text: callers pass keys, numbers and values; results are enums and
// handles.
//
// Locking: each shard has its own mutex, taken for the duration of one operation on one
// key. Memory is one budget for all shards; engine.h gives the lock order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "storage/clock.h"
#include "storage/item.h"

namespace memstripe::storage {

// memcached's limits: the one place they are written down.
inline constexpr std::size_t kMaxKeyLength = 250;
inline constexpr std::size_t kDefaultItemSizeMax = 1024 * 1024;
inline constexpr std::size_t kMinItemSizeMax = 1024;
// Item references are 32-bit offsets in 4-byte units.
inline constexpr std::size_t kMaxMemoryLimit = std::size_t{16} << 30;

struct CacheConfig {
  std::size_t memory_limit = 64 * 1024 * 1024;     // -m, in bytes
  std::size_t item_size_max = kDefaultItemSizeMax;  // -I: header + key + value, memcached's way
  unsigned shard_count = 16;                        // rounded up to a power of two
  bool evict_when_full = true;                      // -M turns eviction off
  bool use_cas = true;                              // -C turns CAS off (cas reads as 0)
};

enum class AllocStatus : std::uint8_t { kOk, kTooLarge, kOutOfMemory };

struct AllocOptions {
  bool binary_key = false;  // meta `b`: the key came base64-encoded and is shown that way
  // memcached drops the key's old item when a `set` is refused, as too large or for want of
  // memory, so a stale value does not outlive a failed overwrite; `ms` does it in every mode.
  bool drop_old_if_refused = false;
};

struct AllocResult {
  AllocStatus status = AllocStatus::kOk;
  NewItem item;
};

enum class StoreMode : std::uint8_t { kSet, kAdd, kReplace, kAppend, kPrepend, kCas };

enum class StoreStatus : std::uint8_t { kStored, kNotStored, kExists, kNotFound, kOutOfMemory };

struct StoreOptions {
  std::uint64_t compare_cas = 0;  // kCas (and meta `C` on any mode); 0 compares nothing
  // Meta `I` with `C`: a CAS older than the stored item's still stores, marked stale.
  bool invalidate_if_cas_older = false;
};

struct StoreResult {
  StoreStatus status = StoreStatus::kNotStored;
  std::uint64_t cas = 0;  // of the item stored
};

struct ReadOptions {
  bool touch = false;  // gat/gats, meta `T`: set a new exptime
  std::int64_t touch_exptime = 0;
  bool vivify = false;  // meta `N`: on a miss, create an empty item and win
  std::int64_t vivify_exptime = 0;
  bool recache = false;  // meta `R`: win when the remaining TTL is below the threshold
  std::int64_t recache_threshold = 0;
  bool recache_sees_touch = true;  // `T` came before `R` in the request (memcached's order)
  bool bump = true;  // record the access (LRU, last access, fetched); meta reads may not
  // An mg: only it claims win tokens (stale items, `R`); with `T` its miss still counts as
  // a get miss, as memcached counts it.
  bool meta = false;
};

struct ReadResult {
  ItemRef item;  // empty on a miss
  // The item's state before this access:
  bool fetched_before = false;          // meta `h`
  std::uint32_t seconds_since_access = 0;  // meta `l`
  // Serve-stale-while-revalidate, meta only:
  bool win = false;                 // `W`: this client should recompute the value
  bool stale = false;               // `X`: the value was invalidated
  bool token_already_sent = false;  // `Z`: another client holds the win token
  bool created = false;             // vivified by this read
  RelTime exptime_before = 0;  // before a touch (meta `t` ahead of `T` prints this)
  RelTime exptime_after = 0;
};

enum class RemoveStatus : std::uint8_t { kDeleted, kNotFound, kExists };

struct RemoveOptions {
  std::optional<std::uint64_t> compare_cas = std::nullopt;  // md `C`: even C0 compares (and never matches)
  bool invalidate = false;  // meta `I`: mark stale instead of removing
  bool set_exptime = false;  // meta `T` with `I`
  std::int64_t exptime = 0;
};

enum class ArithStatus : std::uint8_t {
  kOk,
  kNotFound,
  kNonNumeric,
  kExists,
  kOutOfMemory,          // no memory for the new number
  kOutOfMemoryCreating,  // no memory for the item `N` would create
};

struct ArithOptions {
  bool increment = true;
  std::uint64_t delta = 1;
  std::uint64_t compare_cas = 0;
  bool vivify = false;  // meta `N`: create with `initial` on a miss
  std::uint64_t initial = 0;
  std::int64_t vivify_exptime = 0;
  bool touch = false;  // meta `T`
  std::int64_t touch_exptime = 0;
  // When a new item gets both: memcached applies `N` and `T` in request order, the later
  // one setting the TTL. True when `T` came after `N` (or alone).
  bool touch_after_vivify = true;
};

struct ArithResult {
  ArithStatus status = ArithStatus::kNotFound;
  std::uint64_t value = 0;
  bool created = false;         // vivified by `N`
  RelTime exptime_before = 0;   // before a touch
  ItemRef item;  // the item holding the result (for cas, flags, TTL)
};

// Counters for `stats`, summed over the shards when asked.
struct CacheStats {
  std::uint64_t curr_items = 0;
  std::uint64_t total_items = 0;
  std::uint64_t bytes = 0;  // memcached's sum of item sizes
  std::uint64_t evictions = 0;
  std::uint64_t reclaimed = 0;  // expired items whose memory was reused
  std::uint64_t expired_unfetched = 0;
  std::uint64_t evicted_unfetched = 0;
  std::uint64_t evicted_active = 0;
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
  // Memory, in allocated bytes (the -m budget) and its parts.
  std::uint64_t limit_maxbytes = 0;
  std::uint64_t allocated_bytes = 0;  // arena pages + large values + index
  std::uint64_t index_bytes = 0;
  std::uint64_t large_bytes = 0;
  std::uint64_t page_count = 0;
  std::uint64_t hash_buckets = 0;
  bool hash_is_expanding = false;
};

// One size class, for `stats slabs` and `stats items`.
struct SizeClassStats {
  unsigned id = 0;
  std::size_t chunk_size = 0;
  std::size_t chunks_per_page = 0;
  std::size_t pages = 0;
  std::size_t used_chunks = 0;
  std::size_t free_chunks = 0;
  std::uint64_t evicted = 0;
  std::uint64_t evicted_unfetched = 0;
  std::uint64_t evicted_active = 0;
  std::uint64_t reclaimed = 0;
  std::uint64_t expired_unfetched = 0;
  std::uint64_t outofmemory = 0;
  bool large_headers = false;  // holds the headers of values stored in their own mapping
};

// What `stats cachedump` and `lru_crawler metadump` list about each item.
struct ItemInfo {
  std::string_view key;
  std::size_t value_length;
  std::size_t total_size;  // header, flags, key and value
  RelTime exptime;         // 0: never (Clock::unix_started() + RelTime is the unix time)
  RelTime last_access;
  std::uint64_t cas;
  bool fetched;
  bool binary_key;
  unsigned size_class;
};

// An item looked at without touching it: no access recorded, no counter moved (meta `me`).
struct ItemDescription {
  ItemRef item;   // empty when the key is absent
  ItemInfo info;  // its key views `item`
  std::uint32_t seconds_since_access = 0;
};

class Engine;

class Cache {
 public:
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
  ItemDescription describe(std::string_view key);
  bool touch(std::string_view key, std::int64_t exptime);
  RemoveStatus remove(std::string_view key, const RemoveOptions& options = {});
  ArithResult arithmetic(std::string_view key, const ArithOptions& options);
  // flush_all [delay]: once the delay has passed, every item stored before is invalid.
  void flush(std::int64_t delay_exptime = 0);

  // cache_memlimit: a lower limit is reached by eviction as memory is next needed.
  void set_memory_limit(std::size_t bytes);
  // Reclaims expired items, looking at up to `max_items` chunks; called by a timer.
  std::size_t sweep_expired(std::size_t max_items);

  CacheStats stats() const;
  std::vector<SizeClassStats> size_class_stats() const;
  void reset_stats();
  // Visits every live item, one shard locked at a time; stops when `visit` returns false.
  // `visit` runs under the shard lock: it must not call back into the cache.
  void for_each_item(const std::function<bool(const ItemInfo&)>& visit) const;

  // The largest value that fits in -I for this key and flags (memcached's bound).
  std::size_t max_value_length(std::size_t key_length, std::uint32_t flags) const noexcept;
  const CacheConfig& config() const noexcept;
  Clock& clock() const noexcept;

 private:
  std::unique_ptr<Engine> engine_;
};

}  // namespace memstripe::storage
