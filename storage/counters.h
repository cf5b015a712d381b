// The cache's counters, each defined once: what a shard counts under its lock, what a
// size class counts under its pool's lock, and the sums that `stats`, `stats items` and
// `stats slabs` print (CacheStats and SizeClassStats derive from the counters they sum, so
// every field keeps memcached's name).
#pragma once

#include <cstddef>
#include <cstdint>

namespace memstripe::storage {

// Per shard, guarded by the shard's mutex.
struct ShardCounters {
  std::uint64_t curr_items = 0;
  std::uint64_t total_items = 0;
  std::uint64_t bytes = 0;  // memcached's sum of item sizes
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

  ShardCounters& operator+=(const ShardCounters& other) noexcept;
};

// Per size class, guarded by its ChunkPool's mutex: eviction happens per class.
struct ClassCounters {
  std::uint64_t evicted = 0;
  std::uint64_t evicted_unfetched = 0;
  std::uint64_t evicted_active = 0;  // had its reference bit set (pinned or hot)
  std::uint64_t reclaimed = 0;       // expired items whose memory was reused
  std::uint64_t expired_unfetched = 0;
  std::uint64_t outofmemory = 0;
  std::uint64_t pages_stolen = 0;  // pages emptied and given to another class or back

  ClassCounters& operator+=(const ClassCounters& other) noexcept;
};

// `stats`: the shards' and the classes' counters summed, and the memory they hold.
struct CacheStats : ShardCounters, ClassCounters {
  // memcached's `stats` name for the sum of `evicted`: protocol/stats_commands.cc reads it.
  std::uint64_t evictions = 0;
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
struct SizeClassStats : ClassCounters {
  unsigned id = 0;
  std::size_t chunk_size = 0;
  std::size_t chunks_per_page = 0;
  std::size_t pages = 0;
  std::size_t used_chunks = 0;
  std::size_t free_chunks = 0;
  bool large_headers = false;  // holds the headers of values stored in their own mapping
};

}  // namespace memstripe::storage
