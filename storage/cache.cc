// The cache's operations, one key at a time: hash the key, lock its shard, find the live
// item, apply the operation's rules (memcached 1.6.18's), unlock. What needs memory (a new
// item, a combined append, a vivified one, a larger number, a bigger index) is allocated
// before the lock or between two holds of it, because allocating may evict, and eviction
// takes a pool's mutex and then a shard's; an operation that allocated between two holds
// checks that the item it saw is still the one linked, and starts over otherwise.
//
// Items whose index reference an operation drops go to a DeferredRelease, freed after the
// lock (shard.h). Dead items (expired or flushed) are reclaimed as operations meet them
// (find_live); the memory manager's eviction and its sweep of expired items take items
// out through try_unlink, the ItemUnlinker seam.
#include "storage/cache.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <charconv>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "storage/decimal.h"
#include "storage/hash_index.h"
#include "storage/item_seal.h"
#include "storage/memory_file.h"
#include "storage/memory_manager.h"
#include "storage/shard.h"

namespace memstripe::storage {
namespace {

constexpr unsigned kInitialIndexPower = 8;
// Old buckets each operation moves while a shard's index grows.
constexpr std::size_t kMigrateStep = 16;
// memcached's item header with CAS, and the bytes its -I bound counts around key and value
// (the key's NUL and the value's \r\n), so our largest value matches its largest exactly.
constexpr std::size_t kMemcachedHeader = 48;
constexpr std::size_t kMemcachedCas = 8;
constexpr std::size_t kMemcachedKeyAndValueExtra = 1 + 2;
constexpr std::size_t kMemcachedFlags = 4;

std::size_t memcached_item_size(const CacheConfig& config, std::size_t key_length, std::uint32_t flags,
                                std::size_t value_length) noexcept {
  return kMemcachedHeader + (config.use_cas ? kMemcachedCas : 0) + key_length + value_length +
         kMemcachedKeyAndValueExtra + (flags != 0 ? kMemcachedFlags : 0);
}

AllocStatus check_size(const CacheConfig& config, std::size_t key_length, std::uint32_t flags,
                       std::size_t value_length) noexcept {
  if (value_length > config.item_size_max) return AllocStatus::kTooLarge;
  return memcached_item_size(config, key_length, flags, value_length) > config.item_size_max ? AllocStatus::kTooLarge
                                                                                             : AllocStatus::kOk;
}

// A write that keeps the item: recently used, not fetched (memcached's do_item_update).
void refresh(Item* item, RelTime now) noexcept {
  item->set(item_bits::kReferenced);
  if (item->atime.load(std::memory_order_relaxed) != now) item->atime.store(now, std::memory_order_relaxed);
}

// A fetch: marks the item fetched and recently used (memcached's do_item_bump).
void bump(Item* item, RelTime now) noexcept {
  item->set(item_bits::kFetched);
  refresh(item, now);
}

}  // namespace

std::unique_ptr<MemoryFile> open_memory_file(const CacheConfig& config) {
  if (config.memory_file.empty()) return nullptr;
  if (config.memory_limit > kMaxMemoryLimit) throw std::invalid_argument("memory limit above 16 GiB");
  return std::make_unique<MemoryFile>(config.memory_file,
                                      MemoryFileSettings{config.memory_limit, config.item_size_max, config.use_cas});
}

Cache::Cache(const CacheConfig& config, Clock& clock)
    : config_(config),
      clock_(clock),
      file_(open_memory_file(config)),
      memory_(std::make_unique<MemoryManager>(config.memory_limit, config.evict_when_full, clock,
                                              static_cast<ItemUnlinker&>(*this), file_.get(), config.eviction)) {
  if (config_.memory_limit > kMaxMemoryLimit) throw std::invalid_argument("memory limit above 16 GiB");
  unsigned shards = std::bit_ceil(std::max(config_.shard_count, 1u));
  config_.shard_count = shards;
  shard_bits_ = static_cast<unsigned>(std::countr_zero(shards));
  std::size_t index_bytes = std::size_t{shards} << kInitialIndexPower << 2;
  if (!memory_->reserve_budget(index_bytes)) throw std::invalid_argument("memory limit too small for the index");
  shards_.reserve(shards);
  for (unsigned i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<Shard>(memory_->arena(), kInitialIndexPower, file_ != nullptr));
  }
  if (file_) {
    restart_.warm = file_->warm();
    restart_.cold_reason = file_->cold_reason();
    restart_.in_memory = file_->in_memory();
    restart_.stopped_gracefully = file_->stopped_gracefully();
    std::uint64_t max_cas = 0;
    if (restart_.warm) max_cas = recover();
    cas_.persist_in(file_->header().cas_ceiling, max_cas);
    file_->header().unix_started = clock_.unix_started();
  }
}

// The shards go first: their indexes refer to the memory manager's arena.
Cache::~Cache() = default;

// --- helpers ---------------------------------------------------------------------------

Shard& Cache::shard_for(std::uint64_t hash) const noexcept {
  // The top shard_bits_ of the hash; two shifts because one shift by 64 is undefined.
  return *shards_[static_cast<unsigned>((hash >> 1) >> (63 - shard_bits_))];
}

std::size_t Cache::max_value_length(std::size_t key_length, std::uint32_t flags) const noexcept {
  std::size_t overhead = memcached_item_size(config_, key_length, flags, 0);
  return overhead >= config_.item_size_max ? 0 : config_.item_size_max - overhead;
}

ItemRef Cache::share(Item* item) noexcept {
  item->refcount.fetch_add(1, std::memory_order_relaxed);
  return ItemRef(memory_.get(), item);
}

bool Cache::is_dead(const Item& item, RelTime now) const noexcept {
  RelTime exptime = item.exptime.load(std::memory_order_relaxed);
  if (exptime != 0 && exptime <= now) return true;
  // memcached's item_is_flushed(): by last access time, and by CAS for immediate flushes.
  // Acquire: a reader that sees the deadline sees the CAS bound stored before it.
  RelTime deadline = flush_deadline_.load(std::memory_order_acquire);
  if (deadline == 0 || deadline > now) return false;
  if (item.atime.load(std::memory_order_relaxed) <= deadline) return true;
  const std::uint64_t flush_cas = flush_cas_.load(std::memory_order_relaxed);
  return flush_cas != 0 && item.cas != 0 && item.cas < flush_cas;
}

Item* Cache::find_live(Shard& shard, std::string_view key, std::uint64_t hash, DeferredRelease& released,
                       bool count_as_get) noexcept {
  if (shard.index.expanding()) {
    if (std::size_t freed = shard.index.migrate(kMigrateStep)) memory_->release_budget(freed);
  }
  Item* item = shard.index.find(key, hash);
  if (item == nullptr) return nullptr;
  RelTime now = clock_.now();
  if (!is_dead(*item, now)) return item;
  if (count_as_get) {
    RelTime exptime = item->exptime.load(std::memory_order_relaxed);
    if (exptime != 0 && exptime <= now) {
      ++shard.counters.get_expired;
    } else {
      ++shard.counters.get_flushed;
    }
  }
  shard.unlink(item, hash, released);
  return nullptr;
}

void Cache::grow_index(Shard& shard, bool past_the_limit) {
  std::size_t bytes;
  {
    std::lock_guard lock(shard.mutex);
    if (!shard.wants_growth()) return;
    bytes = shard.index.growth_bytes();
  }
  if (past_the_limit) {
    memory_->charge_budget(bytes);
  } else if (!memory_->reserve_budget(bytes)) {
    std::lock_guard lock(shard.mutex);
    shard.growth_refused();
    return;
  }
  std::unique_ptr<ItemOffset[]> buckets(new (std::nothrow) ItemOffset[bytes / sizeof(ItemOffset)]());
  bool used = false;
  if (buckets) {
    std::lock_guard lock(shard.mutex);
    if (shard.index.wants_growth() && shard.index.growth_bytes() == bytes) {
      shard.index.start_growth(std::move(buckets));
      used = true;
    }
  }
  if (!used) memory_->release_budget(bytes);
}

ItemUnlinker::Unlinked Cache::try_unlink(Item& item, Holders holders, Check& check) noexcept {
  // The pool lock is held, so this chunk cannot be freed and reused under us, and a linked
  // item's key never changes: reading it to find the shard is safe.
  const std::uint64_t hash = hash_key(item.key());
  Shard& shard = shard_for(hash);
  std::lock_guard lock(shard.mutex);
  if (item.state() != item_bits::kLinked) return Unlinked::kNo;
  // New readers need the shard lock, so an item the index alone holds stays so meanwhile.
  if (holders == Holders::kIndexOnly && item.refcount.load(std::memory_order_acquire) != 1) return Unlinked::kNo;
  if (!check.accept(item, is_dead(item, clock_.now()))) return Unlinked::kNo;
  shard.remove(&item, hash);
  return item.refcount.fetch_sub(1, std::memory_order_acq_rel) == 1 ? Unlinked::kLastReference
                                                                    : Unlinked::kStillHeld;
}

// --- restart --------------------------------------------------------------------------

bool Cache::adopt_recovered(Item& item, std::uint64_t& max_cas) {
  const MemoryFileHeader& h = file_->header();
  const std::int64_t flush_deadline = h.flush_deadline_unix.load(std::memory_order_relaxed);
  const std::uint64_t flush_cas = h.flush_cas.load(std::memory_order_relaxed);
  // Times as unix times, then as this clock's: the time spent stopped counts.
  const std::int64_t now_unix = clock_.unix_now();
  const RelTime exptime = item.exptime.load(std::memory_order_relaxed);
  const std::int64_t expires = exptime == 0 ? 0 : h.unix_started + exptime;
  const std::int64_t accessed = h.unix_started + item.atime.load(std::memory_order_relaxed);
  const bool flushed = flush_deadline != 0 && flush_deadline <= now_unix &&
                       (accessed <= flush_deadline || (flush_cas != 0 && item.cas != 0 && item.cas < flush_cas));
  if ((expires != 0 && expires <= now_unix) || flushed) {
    ++restart_.expired;
    return false;
  }
  const std::int64_t started = clock_.unix_started();
  item.exptime.store(expires == 0 ? 0 : static_cast<RelTime>(expires - started), std::memory_order_relaxed);
  item.atime.store(static_cast<RelTime>(std::clamp<std::int64_t>(accessed - started, 0, clock_.now())),
                   std::memory_order_relaxed);

  const std::uint64_t hash = hash_key(item.key());
  Shard& shard = shard_for(hash);
  if (shard.index.expanding()) {
    // Nobody else runs yet: a growth is finished at once, not a step per operation, or the
    // chains would lengthen faster than the steps shorten them.
    if (std::size_t freed = shard.index.migrate(shard.index.bucket_count())) memory_->release_budget(freed);
  }
  if (Item* other = shard.index.find(item.key(), hash)) {
    // A crash between linking a replacement and unlinking the old item leaves both.
    ++restart_.superseded;
    if (other->cas >= item.cas) return false;
    shard.remove(other, hash);
  }
  shard.adopt(&item, hash);
  max_cas = std::max<std::uint64_t>(max_cas, std::uint64_t{item.cas});  // a copy: the field is packed
  // The pages were paid for first, so the budget may have no room left for the index they
  // need; refused, it would stay small and every relink walk a longer chain. It grows, and
  // the stores that follow evict back under the limit.
  if (shard.wants_growth()) grow_index(shard, true);
  return true;
}

std::uint64_t Cache::recover() {
  const auto started = std::chrono::steady_clock::now();
  std::uint64_t max_cas = 0;
  MemoryManager::RecoveryScan scan = memory_->recover([&](Item& item) { return adopt_recovered(item, max_cas); });
  restart_.broken = scan.broken;
  restart_.unfinished = scan.unfinished;
  for (const auto& shard : shards_) restart_.recovered += shard->counters.curr_items;
  // A delayed flush_all still to come keeps its deadline; one already past has been applied.
  MemoryFileHeader& h = file_->header();
  const std::int64_t flush_deadline = h.flush_deadline_unix.load(std::memory_order_relaxed);
  if (flush_deadline > clock_.unix_now()) {
    flush_cas_.store(h.flush_cas.load(std::memory_order_relaxed), std::memory_order_relaxed);
    flush_deadline_.store(static_cast<RelTime>(flush_deadline - clock_.unix_started()), std::memory_order_release);
  } else {
    h.flush_deadline_unix.store(0, std::memory_order_relaxed);
    h.flush_cas.store(0, std::memory_order_relaxed);
  }
  restart_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return max_cas;
}

// --- allocation --------------------------------------------------------------------

Item* Cache::allocate_item(const ItemSpec& spec) {
  assert(!spec.key.empty() && spec.key.size() <= kMaxKeyLength);
  const std::size_t flags_size = spec.flags != 0 ? 4 : 0;
  const std::size_t seal_size = file_ ? kSealSize : 0;
  const std::size_t small_size = Item::kHeaderSize + flags_size + spec.key.size() + spec.value_length + seal_size;
  const bool small = MemoryManager::fits_in_chunk(small_size);
  Item* item;
  char* large_value = nullptr;
  if (small) {
    item = memory_->allocate_chunk(small_size, spec.key);
  } else {
    MemoryManager::LargeAllocation large = memory_->allocate_large(spec.value_length);
    item = large.header;
    large_value = large.value;
  }
  if (item == nullptr) return nullptr;
  item->next = 0;
  item->exptime.store(spec.exptime, std::memory_order_relaxed);
  item->atime.store(clock_.now(), std::memory_order_relaxed);
  item->cas = 0;
  item->refcount.store(1, std::memory_order_relaxed);
  item->small_value_length = small ? static_cast<std::uint16_t>(spec.value_length) : Item::kLargeValue;
  item->key_length = static_cast<std::uint8_t>(spec.key.size());
  std::uint8_t bits = item_bits::kAllocated;
  if (spec.flags != 0) bits |= item_bits::kHasFlags;
  if (spec.binary_key) bits |= item_bits::kKeyBinary;
  item->bits.store(bits, std::memory_order_relaxed);
  char* p = item->payload();
  if (flags_size != 0) std::memcpy(p, &spec.flags, sizeof spec.flags);
  std::memcpy(p + flags_size, spec.key.data(), spec.key.size());
  if (!small) {
    Item::LargeValue v{large_value, spec.value_length};
    std::memcpy(p + flags_size + spec.key.size(), &v, sizeof v);
  }
  return item;
}

AllocResult Cache::allocate(std::string_view key, std::uint32_t flags, std::int64_t exptime,
                            std::size_t value_length, const AllocOptions& options) {
  AllocResult result;
  result.status = check_size(config_, key.size(), flags, value_length);
  if (result.status == AllocStatus::kOk) {
    Item* item = allocate_item({key, flags, clock_.expiry_from(exptime), value_length, options.binary_key});
    if (item != nullptr) {
      result.item = adopt(item);
      return result;
    }
    result.status = AllocStatus::kOutOfMemory;
  }
  std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  DeferredRelease released(*memory_);
  std::lock_guard lock(shard.mutex);
  ++(result.status == AllocStatus::kTooLarge ? shard.counters.store_too_large : shard.counters.store_no_memory);
  // memcached drops the old value so a refused overwrite does not leave it readable.
  if (options.drop_old_if_refused) {
    if (Item* old = shard.index.find(key, hash)) shard.unlink(old, hash, released);
  }
  return result;
}

// --- prefetch -------------------------------------------------------------------------

void Cache::prefetch(std::span<const std::string_view> keys) const noexcept {
  const std::size_t n = std::min(keys.size(), kPrefetchKeys);
  std::uint64_t hashes[kPrefetchKeys];
  // The index is read under its lock, as everywhere; the lock is the shard's own line and
  // costs little against the two misses it hides.
  for (std::size_t i = 0; i < n; ++i) {
    hashes[i] = hash_key(keys[i]);
    Shard& shard = shard_for(hashes[i]);
    std::lock_guard lock(shard.mutex);
    shard.index.prefetch_bucket(hashes[i]);
  }
  for (std::size_t i = 0; i < n; ++i) {
    Shard& shard = shard_for(hashes[i]);
    std::lock_guard lock(shard.mutex);
    shard.index.prefetch_head(hashes[i]);
  }
}

// --- store ---------------------------------------------------------------------------

StoreResult Cache::combine(StoreMode mode, NewItem& addition, const StoreOptions& options) {
  const Item* item = addition.get();
  const std::string_view key = item->key();
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  StoreResult result;
  // The combined item is allocated outside the lock, then swapped in if the old item is
  // still the one we combined with; otherwise we start over.
  for (;;) {
    ItemRef old_ref;
    {
      DeferredRelease released(*memory_);
      std::lock_guard lock(shard.mutex);
      Item* old = find_live(shard, key, hash, released);
      if (old == nullptr) return result;  // NOT_STORED
      if (options.compare_cas != 0 && options.compare_cas != old->cas) {
        result.status = StoreStatus::kExists;
        return result;
      }
      old_ref = share(old);
    }
    const Item* old = old_ref.get();
    std::string_view old_value = old->value();
    std::string_view add_value = item->value();
    std::size_t total = old_value.size() + add_value.size();
    if (check_size(config_, key.size(), old->flags(), total) != AllocStatus::kOk) return result;  // NOT_STORED
    // The latest write decides how the key is shown, as in memcached, whose combined item
    // never keeps the old one's base64 marking (it drops a `b` append's too, and then prints
    // the raw key: memstripe keeps the marking of a write made with `b`).
    Item* combined = allocate_item({key, old->flags(), old->exptime.load(std::memory_order_relaxed), total,
                                    item->has(item_bits::kKeyBinary)});
    if (combined == nullptr) return result;  // memcached: NOT_STORED when it cannot allocate
    NewItem combined_ref = adopt(combined);
    char* out = combined->value().data();
    const std::string_view& first = mode == StoreMode::kAppend ? old_value : add_value;
    const std::string_view& second = mode == StoreMode::kAppend ? add_value : old_value;
    std::memcpy(out, first.data(), first.size());
    std::memcpy(out + first.size(), second.data(), second.size());

    DeferredRelease released(*memory_);
    std::lock_guard lock(shard.mutex);
    Item* current = find_live(shard, key, hash, released, false);
    if (current != old) continue;
    shard.replace(current, combined, hash, next_cas(), released);
    result.status = StoreStatus::kStored;
    result.cas = combined->cas;
    return result;  // the item count did not change: no growth
  }
}

StoreResult Cache::store(StoreMode mode, NewItem&& new_item, const StoreOptions& options) {
  NewItem owned = std::move(new_item);  // our reference; dropped on return
  if (mode == StoreMode::kAppend || mode == StoreMode::kPrepend) return combine(mode, owned, options);

  Item* item = owned.mutable_item();
  const std::string_view key = item->key();
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  StoreResult result;
  bool grow = false;
  {
    DeferredRelease released(*memory_);
    std::lock_guard lock(shard.mutex);
    Item* old = find_live(shard, key, hash, released, false);
    bool do_store = false;
    if (old != nullptr) {
      // memcached's do_store_item: the CAS test first, then the mode.
      enum class Cas { kNone, kMatch, kBadValue, kStale } cas = Cas::kNone;
      if (options.compare_cas == 0) {
        cas = Cas::kNone;
      } else if (options.compare_cas == old->cas) {
        cas = Cas::kMatch;
      } else if (options.invalidate_if_cas_older && options.compare_cas < old->cas) {
        cas = Cas::kStale;
      } else {
        cas = Cas::kBadValue;
      }
      switch (mode) {
        case StoreMode::kAdd:
          refresh(old, clock_.now());
          break;
        case StoreMode::kCas:
          if (cas == Cas::kMatch) {
            ++shard.counters.cas_hits;
            do_store = true;
          } else if (cas == Cas::kStale) {
            // A late writer with an older CAS still lands, marked stale, keeping the TTL
            // and any win token already handed out.
            item->exptime.store(old->exptime.load(std::memory_order_relaxed), std::memory_order_relaxed);
            item->set(item_bits::kStale);
            if (old->has(item_bits::kTokenSent)) item->set(item_bits::kTokenSent);
            ++shard.counters.cas_hits;
            do_store = true;
          } else {
            ++shard.counters.cas_badval;
            result.status = StoreStatus::kExists;
          }
          break;
        case StoreMode::kSet:
        case StoreMode::kReplace:
          do_store = true;
          break;
        case StoreMode::kAppend:
        case StoreMode::kPrepend:
          break;  // combine()
      }
      if (do_store) shard.replace(old, item, hash, next_cas(), released);
    } else {
      switch (mode) {
        case StoreMode::kAdd:
        case StoreMode::kSet:
          do_store = true;
          break;
        case StoreMode::kCas:
          ++shard.counters.cas_misses;
          result.status = StoreStatus::kNotFound;
          break;
        default:
          break;  // replace, append, prepend need an item
      }
      if (do_store) shard.link(item, hash, next_cas());
    }
    if (do_store) {
      result.status = StoreStatus::kStored;
      result.cas = item->cas;
      grow = shard.wants_growth();
    }
  }
  if (grow) grow_index(shard);
  return result;
}

// --- read ----------------------------------------------------------------------------

ReadResult Cache::read(std::string_view key, const ReadOptions& options) {
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  ReadResult result;
  // A vivified item is allocated before the lock: allocation may evict, which takes
  // shard locks.
  NewItem vivified;
  if (options.vivify) {
    if (Item* item = allocate_item({key, 0, 0, 0, false})) vivified = adopt(item);
  }
  bool linked_new = false;
  bool grow = false;
  {
    DeferredRelease released(*memory_);
    std::lock_guard lock(shard.mutex);
    const RelTime now = clock_.now();
    Item* item = find_live(shard, key, hash, released);
    if (item == nullptr && vivified) {
      item = vivified.mutable_item();
      item->exptime.store(clock_.expiry_from(options.vivify_exptime), std::memory_order_relaxed);
      item->set(item_bits::kTokenSent);
      shard.link(item, hash, next_cas());
      linked_new = true;
      grow = shard.wants_growth();
      result.created = true;
      result.win = true;
      result.exptime_before = item->exptime.load(std::memory_order_relaxed);
      if (options.bump) bump(item, now);
    } else if (item == nullptr) {
      ++(options.touch && !options.meta ? shard.counters.touch_misses : shard.counters.get_misses);
      return result;
    } else {
      result.fetched_before = item->has(item_bits::kFetched);
      RelTime atime = item->atime.load(std::memory_order_relaxed);
      result.seconds_since_access = now >= atime ? now - atime : 0;
      result.exptime_before = item->exptime.load(std::memory_order_relaxed);
      if (options.touch) item->exptime.store(clock_.expiry_from(options.touch_exptime), std::memory_order_relaxed);
      if (options.meta) {
        // Serve-stale-while-revalidate: the first mg to find the item stale (or, with R,
        // close to expiry) wins the token to recompute it; the others see it taken.
        const bool token_sent = item->has(item_bits::kTokenSent);
        if (options.recache && !token_sent) {
          RelTime exptime = options.recache_sees_touch ? item->exptime.load(std::memory_order_relaxed)
                                                       : result.exptime_before;
          if (exptime != 0 && exptime < clock_.expiry_from(options.recache_threshold)) result.win = true;
        }
        result.token_already_sent = token_sent;
        if (item->has(item_bits::kStale)) {
          result.stale = true;
          if (!token_sent) result.win = true;
        }
        if (result.win) item->set(item_bits::kTokenSent);
      }
      if (options.bump) bump(item, now);
    }
    ++(options.touch ? shard.counters.touch_hits : shard.counters.get_hits);
    result.exptime_after = item->exptime.load(std::memory_order_relaxed);
    if (linked_new) {
      result.item = std::move(vivified);  // the allocation's reference becomes the reader's
    } else {
      result.item = share(item);
    }
  }
  if (grow) grow_index(shard);
  return result;
}

ItemDescription Cache::describe(std::string_view key) {
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  ItemDescription d{};
  DeferredRelease released(*memory_);
  std::lock_guard lock(shard.mutex);
  Item* item = find_live(shard, key, hash, released, false);
  if (item == nullptr) return d;
  d.item = share(item);
  d.info = info_of(*item);
  const RelTime now = clock_.now();
  d.seconds_since_access = now >= d.info.last_access ? now - d.info.last_access : 0;
  return d;
}

bool Cache::touch(std::string_view key, std::int64_t exptime) {
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  DeferredRelease released(*memory_);
  std::lock_guard lock(shard.mutex);
  Item* item = find_live(shard, key, hash, released);
  if (item == nullptr) {
    ++shard.counters.touch_misses;
    return false;
  }
  item->exptime.store(clock_.expiry_from(exptime), std::memory_order_relaxed);
  bump(item, clock_.now());
  ++shard.counters.touch_hits;
  return true;
}

RemoveStatus Cache::remove(std::string_view key, const RemoveOptions& options) {
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  DeferredRelease released(*memory_);
  std::lock_guard lock(shard.mutex);
  Item* item = find_live(shard, key, hash, released, false);
  if (item == nullptr || (options.compare_cas && *options.compare_cas != item->cas)) {
    ++shard.counters.delete_misses;
    return item == nullptr ? RemoveStatus::kNotFound : RemoveStatus::kExists;
  }
  if (options.invalidate) {
    // Meta `I`: keep the value, mark it stale, and let the next reader win the token.
    if (options.set_exptime) item->exptime.store(clock_.expiry_from(options.exptime), std::memory_order_relaxed);
    item->set(item_bits::kStale);
    item->clear(item_bits::kTokenSent);
    item->cas = next_cas();
    shard.changed(item);
    return RemoveStatus::kDeleted;
  }
  ++shard.counters.delete_hits;
  shard.unlink(item, hash, released);
  return RemoveStatus::kDeleted;
}

// --- incr / decr -----------------------------------------------------------------------

ArithResult Cache::arithmetic(std::string_view key, const ArithOptions& options) {
  const std::uint64_t hash = hash_key(key);
  Shard& shard = shard_for(hash);
  ArithResult result;
  char digits[kMaxDecimalDigits];

  for (;;) {
    // Under the lock: the new value, written in place when it fits and nobody reads the
    // item (memcached pads a shorter number with spaces); otherwise, remember what to
    // replace and allocate outside the lock.
    std::uint64_t seen_cas = 0;
    const Item* seen = nullptr;
    std::size_t length = 0;
    std::uint32_t flags = 0;
    RelTime exptime = 0;
    bool binary_key = false;
    {
      DeferredRelease released(*memory_);
      std::lock_guard lock(shard.mutex);
      Item* item = find_live(shard, key, hash, released);
      if (item == nullptr) {
        if (!options.vivify) {
          ++(options.increment ? shard.counters.incr_misses : shard.counters.decr_misses);
          result.status = ArithStatus::kNotFound;
          return result;
        }
      } else {
        // memcached's order: an empty value, then the CAS, then the number.
        std::string_view value = static_cast<const Item*>(item)->value();
        if (value.empty()) {
          result.status = ArithStatus::kNonNumeric;
          return result;
        }
        if (options.compare_cas != 0 && options.compare_cas != item->cas) {
          result.status = ArithStatus::kExists;
          return result;
        }
        std::uint64_t number;
        if (!parse_unsigned_decimal(value, number)) {
          result.status = ArithStatus::kNonNumeric;
          return result;
        }
        if (options.increment) {
          number += options.delta;  // wraps at 2^64, as memcached
        } else {
          number = options.delta > number ? 0 : number - options.delta;
        }
        length = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, number).ptr - digits);
        result.value = number;
        if (length <= value.size() && item->refcount.load(std::memory_order_acquire) == 1) {
          char* out = item->value().data();
          std::memcpy(out, digits, length);
          std::memset(out + length, ' ', value.size() - length);
          item->cas = next_cas();
          shard.changed(item);
          refresh(item, clock_.now());
          ++(options.increment ? shard.counters.incr_hits : shard.counters.decr_hits);
          result.exptime_before = item->exptime.load(std::memory_order_relaxed);
          if (options.touch) item->exptime.store(clock_.expiry_from(options.touch_exptime), std::memory_order_relaxed);
          result.item = share(item);
          result.status = ArithStatus::kOk;
          return result;
        }
        seen = item;
        seen_cas = item->cas;
        flags = item->flags();
        exptime = item->exptime.load(std::memory_order_relaxed);
        binary_key = item->has(item_bits::kKeyBinary);
      }
    }

    const bool vivifying = seen == nullptr;
    if (vivifying) {
      length = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, options.initial).ptr - digits);
      result.value = options.initial;
      exptime = clock_.expiry_from(options.vivify_exptime);
    }
    Item* fresh = allocate_item({key, flags, exptime, length, binary_key});
    if (fresh == nullptr) {
      result.status = vivifying ? ArithStatus::kOutOfMemoryCreating : ArithStatus::kOutOfMemory;
      return result;
    }
    NewItem fresh_ref = adopt(fresh);
    std::memcpy(fresh->value().data(), digits, length);
    bool grow = false;
    {
      DeferredRelease released(*memory_);
      std::lock_guard lock(shard.mutex);
      Item* current = find_live(shard, key, hash, released, false);
      if (vivifying ? current != nullptr : (current != seen || current->cas != seen_cas)) continue;
      if (vivifying) {
        shard.link(fresh, hash, next_cas());
        result.created = true;
        grow = shard.wants_growth();
      } else {
        shard.replace(current, fresh, hash, next_cas(), released);
        ++(options.increment ? shard.counters.incr_hits : shard.counters.decr_hits);
      }
      result.exptime_before = fresh->exptime.load(std::memory_order_relaxed);
      // On a new item the later of N and T sets the TTL; on a replaced one, T does.
      if (options.touch && (!vivifying || options.touch_after_vivify)) {
        fresh->exptime.store(clock_.expiry_from(options.touch_exptime), std::memory_order_relaxed);
      }
      result.item = std::move(fresh_ref);
      result.status = ArithStatus::kOk;
    }
    if (grow) grow_index(shard);
    return result;
  }
}

// --- flush, memory, stats, listing ------------------------------------------------------

void Cache::flush(std::int64_t delay_exptime) {
  const RelTime now = clock_.now();
  if (delay_exptime > 0) {
    RelTime when = clock_.expiry_from(delay_exptime);
    flush_deadline_.store(config_.use_cas ? when - 1 : when, std::memory_order_release);
    remember_flush();
    return;
  }
  // Immediate: everything stored up to now, told apart from later stores of this second by
  // CAS: one sequence, so one bound for every shard. Without CAS, memcached flushes by the
  // second, later stores of this second included.
  if (config_.use_cas) flush_cas_.store(cas_.upcoming(), std::memory_order_relaxed);
  flush_deadline_.store(config_.use_cas ? now - 1 : now, std::memory_order_release);
  remember_flush();
}

void Cache::remember_flush() noexcept {
  if (!file_) return;
  MemoryFileHeader& h = file_->header();
  h.flush_cas.store(flush_cas_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  h.flush_deadline_unix.store(clock_.unix_started() + flush_deadline_.load(std::memory_order_relaxed),
                              std::memory_order_relaxed);
}

void Cache::set_memory_limit(std::size_t bytes) { memory_->set_limit(std::min(bytes, kMaxMemoryLimit)); }

std::size_t Cache::sweep_expired(std::size_t max_items) { return memory_->sweep_expired(max_items); }

CacheStats Cache::stats() const {
  CacheStats s;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    static_cast<ShardCounters&>(s) += shard->counters;
    s.index_bytes += shard->index.bytes();
    s.hash_buckets += shard->index.bucket_count();
    s.hash_is_expanding = s.hash_is_expanding || shard->index.expanding();
  }
  memory_->add_stats(s);
  return s;
}

std::vector<SizeClassStats> Cache::size_class_stats() const { return memory_->size_class_stats(); }

void Cache::reset_stats() {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    // curr_items and bytes describe the cache, not traffic: memcached keeps them too.
    ShardCounters kept;
    kept.curr_items = shard->counters.curr_items;
    kept.bytes = shard->counters.bytes;
    shard->counters = kept;
  }
  memory_->reset_stats();
}

ItemInfo Cache::info_of(const Item& item) const noexcept {
  return ItemInfo{item.key(),
                  item.value().size(),
                  item.total_size(),
                  item.exptime.load(std::memory_order_relaxed),
                  item.atime.load(std::memory_order_relaxed),
                  item.cas,
                  item.has(item_bits::kFetched),
                  item.has(item_bits::kKeyBinary),
                  memory_->size_class_of(&item)};
}

void Cache::for_each_item(const std::function<bool(const ItemInfo&)>& visit) const {
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    bool go_on = true;
    const RelTime now = clock_.now();
    shard->index.for_each([&](const Item* item) {
      if (is_dead(*item, now)) return true;
      go_on = visit(info_of(*item));
      return go_on;
    });
    if (!go_on) return;
  }
}

}  // namespace memstripe::storage
