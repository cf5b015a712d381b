// What storage::Cache's operations take and return: the limits and the configuration,
// then per operation its options and its result. Plain values, no behaviour: results are
// enums and item handles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/clock.h"
#include "storage/item.h"

namespace memstripe::storage {

// memcached's limits: the one place they are written down.
inline constexpr std::size_t kMaxKeyLength = 250;
inline constexpr std::size_t kDefaultItemSizeMax = 1024 * 1024;
inline constexpr std::size_t kMinItemSizeMax = 1024;
// Item references are 32-bit offsets in 4-byte units.
inline constexpr std::size_t kMaxMemoryLimit = std::size_t{16} << 30;

// How a size class chooses the item to evict (-o eviction).
enum class EvictionPolicy : std::uint8_t {
  kClock,   // one CLOCK hand over the class's memory: a read item gets a second pass
  kS3Fifo,  // S3-FIFO: new items wait in a small FIFO, and go unless read there; CLOCK for the rest
};

// The policy's name as -o eviction and `stats settings` spell it.
constexpr std::string_view eviction_policy_name(EvictionPolicy policy) noexcept {
  return policy == EvictionPolicy::kS3Fifo ? "s3fifo" : "clock";
}

struct CacheConfig {
  std::size_t memory_limit = 64 * 1024 * 1024;     // -m, in bytes
  std::size_t item_size_max = kDefaultItemSizeMax;  // -I: header + key + value, memcached's way
  unsigned shard_count = 16;                        // rounded up to a power of two
  bool evict_when_full = true;                      // -M turns eviction off
  EvictionPolicy eviction = EvictionPolicy::kClock;  // -o eviction
  bool use_cas = true;                              // -C turns CAS off (cas reads as 0)
  std::string memory_file;                          // -e: item memory in this file, kept across restarts
};

// What the cache found in its memory file when it started (-e).
struct RestartReport {
  bool warm = false;          // the file held a cache of this layout and these settings
  std::string cold_reason;    // why not, or a remark on a warm one
  bool in_memory = false;     // the file is on tmpfs
  bool stopped_gracefully = false;
  std::size_t recovered = 0;   // items linked again
  std::size_t expired = 0;     // whole, but expired or flushed meanwhile
  std::size_t broken = 0;      // not provably whole (caught mid-write, or damaged): dropped
  std::size_t unfinished = 0;  // stores whose value was still arriving: never linked, dropped
  std::size_t superseded = 0;  // a whole copy of a key the file also holds newer
  double seconds = 0;          // the scan and the rebuilt indexes
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

// Want of memory is allocate()'s answer (AllocStatus), never store()'s.
enum class StoreStatus : std::uint8_t { kStored, kNotStored, kExists, kNotFound };

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

}  // namespace memstripe::storage
