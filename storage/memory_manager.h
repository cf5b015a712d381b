// The cache's memory and its eviction policy, in one class so that a new policy changes
// this class alone.
//
// Memory: one budget in allocated bytes, the -m limit (PageArena), pays for the pages of
// the size classes (a ChunkPool each), the values too large for a chunk (a mapping each,
// their headers in a class of their own) and, through reserve_budget(), the shards' indexes.
//
// Policy, CLOCK: each class's hand sweeps its pages in memory order and gives an item read
// since the hand last passed a second chance (its reference bit), so items need no LRU
// links. When the budget is spent, a class that needs a chunk evicts its own least
// recently used item, or takes a whole page from the class whose least recently used items
// are older by more than a second (memcached rebalances slab pages between classes the
// same way, in a thread of its own; here it happens when memory is needed). A class's age
// is its tail hint: the last access time of the items near its hand. A page given up goes back to the system.
// Policy, S3-FIFO (-o eviction=s3fifo): a new item also joins its class's small queue
// (ProbationQueue), and when the class needs a chunk the oldest item there that nobody read
// goes, its key remembered (GhostKeys); a key stored again while remembered skips the
// queue. Items read in the queue stay, for CLOCK as above, so a scan or a stream of keys
// read once cannot push out what is read often. A hit costs the same under either policy:
// the reference bit.
// The expiry sweep walks the classes with a cursor of its own and reclaims expired items
// that nobody reads.
//
// Which item goes is decided here; taking it out of its shard's index is the cache's
// business, through ItemUnlinker.
//
// Lock order: a ChunkPool's mutex, then a shard's mutex (taken inside
// ItemUnlinker::try_unlink), then the arena's page pool. No code takes a pool's mutex
// while holding a shard's, and at most one of each is held.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "storage/cache_types.h"
#include "storage/chunk_pool.h"
#include "storage/clock.h"
#include "storage/counters.h"
#include "storage/ghost_keys.h"
#include "storage/item.h"
#include "storage/item_unlinker.h"
#include "storage/page_arena.h"
#include "storage/probation_queue.h"

namespace memstripe::storage {

class MemoryManager {
 public:
  // With `evict_when_full` false (-M), memory is taken only from expired items. With a
  // memory `file` (-e), every page and large value is the file's.
  MemoryManager(std::size_t memory_limit, bool evict_when_full, const Clock& clock, ItemUnlinker& unlinker,
                MemoryFile* file = nullptr, EvictionPolicy policy = EvictionPolicy::kClock);
  // Unmaps the large values still mapped (the arena unmaps its pages itself); a memory
  // file keeps them.
  ~MemoryManager();
  MemoryManager(const MemoryManager&) = delete;
  MemoryManager& operator=(const MemoryManager&) = delete;

  // Whether an item of `bytes` (header, flags, key and value) fits in a chunk; a larger
  // one keeps its value in a mapping of its own.
  static bool fits_in_chunk(std::size_t bytes) noexcept;
  // A chunk for an item of `bytes`, marked allocated, its bytes the caller's; nullptr when
  // no room can be made (counted in its class's outofmemory).
  // `key` is what S3-FIFO looks up in its ghost queue.
  Item* allocate_chunk(std::size_t bytes, std::string_view key = {});
  // For a value too large for a chunk: a header chunk and a mapping of `value_length`
  // bytes, both paid for. The caller records the mapping in the header
  // (Item::LargeValue), where free_item() finds it. {nullptr, nullptr} when no room can be made.
  struct LargeAllocation {
    Item* header = nullptr;
    char* value = nullptr;
  };
  LargeAllocation allocate_large(std::size_t value_length);
  // The last reference to an unlinked item (or to one never linked) is gone: its chunk, and
  // its value's mapping, go back.
  void free_item(Item* item) noexcept;

  // Budget for memory the cache holds outside the classes (an index's buckets). May evict,
  // so no shard lock may be held.
  bool reserve_budget(std::size_t bytes);
  void release_budget(std::size_t bytes) noexcept;
  // Restart: memory the cache must hold is paid for even past the limit.
  void charge_budget(std::size_t bytes) noexcept;
  // cache_memlimit: a lower limit is reached by eviction as memory is next needed.
  void set_limit(std::size_t bytes) noexcept;

  // Reclaims expired items, looking at up to `max_chunks` chunks; returns how many went.
  std::size_t sweep_expired(std::size_t max_chunks);

  // Restart from a warm memory file, before any other use: offers `accept` every linked
  // item whose seal proves it whole (its large value moved into this mapping, its `next`
  // cleared, one reference: the index's), which links it into an index or answers false;
  // an item it links may later be taken out again (a newer copy of its key). Then the
  // classes are rebuilt from the items still linked, and everything else is free.
  struct RecoveryScan {
    std::size_t broken = 0;  // linked, but not provably whole: dropped
    std::size_t unfinished = 0;  // allocated for a store that never completed
  };
  RecoveryScan recover(const std::function<bool(Item&)>& accept);
  // For the indexes, which address items by their offset in the arena.
  const PageArena& arena() const noexcept { return arena_; }
  unsigned size_class_of(const Item* item) const noexcept;

  // Adds the classes' counters and the memory held to `stats`.
  void add_stats(CacheStats& stats) const;
  std::vector<SizeClassStats> size_class_stats() const;
  void reset_stats();

 private:
  enum class Reclaim : std::uint8_t { kChunkFreed, kPageGained, kBudgetFreed, kNothing };

  // A chunk of `pool`, admitted to the small queue under `fingerprint` (0: not admitted).
  Item* take_chunk(unsigned pool, std::uint32_t fingerprint = 0);
  // S3-FIFO: a new item joins its class's small queue unless its key is a ghost's.
  void admit(ChunkPool& pool, Item* chunk, std::uint32_t fingerprint);
  static std::size_t small_queue_target(const ChunkPool& pool) noexcept;
  // S3-FIFO: evicts the oldest item of the small queue that nobody read; the ones read
  // stay, for CLOCK. False when the queue is down to its share.
  bool evict_from_small_queue(ChunkPool& pool);
  // Recovery: whether a linked chunk of `pool` reads as a whole item; moves a large value's
  // pointer into this mapping and claims its extent.
  bool is_whole(const ChunkPool& pool, Item& item, std::vector<Item*>& claimed_large);
  // How often each class gave one allocation nothing when asked for memory; empty until
  // one did. A class whose hand has passed every page without result holds only items in
  // use (being written, or read by replies in flight), and ties on age are broken by memory
  // held: without this it could be asked again every round while others hold items that
  // may go.
  using Refusals = std::vector<std::uint32_t>;
  void note_refusal(unsigned pool, bool second_chance, Refusals& refusals) const;
  bool gave_up_on(unsigned pool, const Refusals& refusals) const noexcept;
  // Reserves `bytes` of budget, evicting from the oldest classes until it fits.
  bool make_room(std::size_t bytes);
  // Frees memory for `pool`: one of its chunks, a page from an older class, or budget.
  Reclaim reclaim_for(unsigned pool, bool second_chance, Refusals& refusals);
  // Frees budget from `pool`: a page, or for the large pool an item and its mapping.
  bool give_back_pages(unsigned pool, bool second_chance);
  std::size_t memory_held(unsigned pool) const noexcept;
  // The class with the oldest items, other than `exclude` and those given up on.
  unsigned oldest_pool(unsigned exclude, const Refusals& refusals) const noexcept;
  // Whether class `a`'s least recently used items are older than class `b`'s.
  bool older_than(unsigned a, unsigned b) const noexcept;
  // CLOCK's test of one candidate, with the pool's mutex held: an item in use, or read since
  // the last look (its reference bit cleared now), stays; else it is unlinked if `victim`
  // agrees, and its chunk freed.
  enum class Evicted : std::uint8_t { kNo, kLive, kExpired };
  Evicted evict_if_unread(ChunkPool& pool, Item& item, bool only_expired, ItemUnlinker::Check& victim, RelTime now);
  // Evicts one item under the pool's CLOCK hand; only expired ones when eviction is off.
  bool evict_one(ChunkPool& pool);
  // Empties the page under the pool's hand; returns it (still paid for), or kNoPage. With
  // `second_chance`, a page holding recently read items is passed over once instead.
  PageId steal_page(ChunkPool& pool, bool second_chance);
  // Frees a chunk (and its large value) into its pool; a page left empty goes back to the
  // arena unless it is `keep`.
  void free_chunk_locked(ChunkPool& pool, Item* item, PageId keep = kNoPage) noexcept;
  void publish_tail_hint(ChunkPool& pool, const Item* item) noexcept;

  const bool evict_when_full_;
  const Clock& clock_;
  ItemUnlinker& unlinker_;
  PageArena arena_;
  std::vector<std::unique_ptr<ChunkPool>> pools_;
  unsigned large_pool_;  // headers of items whose value has its own mapping
  // Per pool, the last access time of the items near its hand (0: no pages). Eviction
  // compares these to find the class holding the oldest items; one array so the scan
  // reads a few cache lines instead of one per pool.
  std::unique_ptr<std::atomic<RelTime>[]> tail_hints_;
  // S3-FIFO (-o eviction=s3fifo): per class, its small queue (guarded by the class's
  // mutex), and one ghost queue for all. Empty under CLOCK.
  std::vector<ProbationQueue> probation_;
  std::unique_ptr<GhostKeys> ghost_;
  std::atomic<std::uint64_t> large_bytes_{0};
  std::mutex sweep_mutex_;  // one sweep at a time, which moves sweep_pool_ on
  std::atomic<std::size_t> sweep_pool_{0};
};

}  // namespace memstripe::storage
