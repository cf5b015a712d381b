#include "storage/counters.h"

namespace memstripe::storage {

// A new counter must be added to the sum below as well.
static_assert(sizeof(ShardCounters) == 20 * sizeof(std::uint64_t), "ShardCounters::operator+= sums every field");
static_assert(sizeof(ClassCounters) == 7 * sizeof(std::uint64_t), "ClassCounters::operator+= sums every field");

ShardCounters& ShardCounters::operator+=(const ShardCounters& o) noexcept {
  curr_items += o.curr_items;
  total_items += o.total_items;
  bytes += o.bytes;
  get_hits += o.get_hits;
  get_misses += o.get_misses;
  get_expired += o.get_expired;
  get_flushed += o.get_flushed;
  touch_hits += o.touch_hits;
  touch_misses += o.touch_misses;
  delete_hits += o.delete_hits;
  delete_misses += o.delete_misses;
  incr_hits += o.incr_hits;
  incr_misses += o.incr_misses;
  decr_hits += o.decr_hits;
  decr_misses += o.decr_misses;
  cas_hits += o.cas_hits;
  cas_misses += o.cas_misses;
  cas_badval += o.cas_badval;
  store_too_large += o.store_too_large;
  store_no_memory += o.store_no_memory;
  return *this;
}

ClassCounters& ClassCounters::operator+=(const ClassCounters& o) noexcept {
  evicted += o.evicted;
  evicted_unfetched += o.evicted_unfetched;
  evicted_active += o.evicted_active;
  reclaimed += o.reclaimed;
  expired_unfetched += o.expired_unfetched;
  outofmemory += o.outofmemory;
  pages_stolen += o.pages_stolen;
  return *this;
}

}  // namespace memstripe::storage
