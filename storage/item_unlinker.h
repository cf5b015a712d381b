// The seam between the cache's memory and its index. MemoryManager decides which item to
// reclaim (its eviction policy and the expiry sweep); the cache, which owns the shards,
// their indexes and their counters, takes the item out of its index. A new policy changes
// what MemoryManager picks and what its Check accepts, never this interface.
//
// Lock order: try_unlink() is called with the item's ChunkPool mutex held (so the chunk is
// not freed or reused meanwhile, and a linked item's key does not change) and takes the
// item's shard mutex: a pool's mutex, then a shard's, as everywhere in storage/.
#pragma once

#include <cstdint>

#include "storage/item.h"

namespace memstripe::storage {

class ItemUnlinker {
 public:
  // The policy's last word on a candidate, asked under the item's shard lock once the cache
  // has found it still linked (and, with Holders::kIndexOnly, held by the index alone).
  // `dead`: expired, or invalidated by flush_all. It may change the item's policy bits (CLOCK
  // clears the reference bit of an item it spares) and the class's counters, since the pool
  // lock is held.
  class Check {
   public:
    virtual bool accept(Item& item, bool dead) noexcept = 0;

   protected:
    ~Check() = default;
  };

  enum class Holders : std::uint8_t {
    kIndexOnly,  // eviction: an item a reply still holds is passed over
    kAny,        // the expiry sweep: readers keep theirs, and free it when done
  };

  enum class Unlinked : std::uint8_t {
    kNo,             // not linked any more, held by a reader, or refused by the check
    kLastReference,  // unlinked, nobody else held it: its chunk is the caller's to free
    kStillHeld,      // unlinked; the last handle frees it later, through MemoryManager::free_item
  };

  // Takes `item` out of its shard's index, marks it unlinked and drops the index's
  // reference, if it is linked, `holders` allows, and `check` accepts.
  virtual Unlinked try_unlink(Item& item, Holders holders, Check& check) noexcept = 0;

 protected:
  ~ItemUnlinker() = default;
};

}  // namespace memstripe::storage
