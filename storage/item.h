// The layout of one cached item, and the handles through which the rest of memstripe
// reads it. An item is one chunk of the arena: a 26-byte header, the client flags (only
// when they are not zero, as memcached 1.6 does), the key, then the value. Values too
// large for a chunk live in their own mapping, described after the key.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <utility>

#include "storage/clock.h"

namespace memstripe::storage {

class Cache;
class MemoryManager;

// Where an item lives: its offset in the arena in 4-byte units. 0 is "no item".
using ItemOffset = std::uint32_t;

namespace item_bits {
inline constexpr std::uint8_t kStateMask = 0x03;
inline constexpr std::uint8_t kFree = 0x00;       // on a free list
inline constexpr std::uint8_t kAllocated = 0x01;  // owned by a writer, not yet linked
inline constexpr std::uint8_t kLinked = 0x02;     // reachable from its shard's index
inline constexpr std::uint8_t kUnlinked = 0x03;   // removed, still referenced by readers
inline constexpr std::uint8_t kReferenced = 0x04;  // CLOCK reference bit
inline constexpr std::uint8_t kFetched = 0x08;     // read at least once since stored
inline constexpr std::uint8_t kStale = 0x10;       // invalidated by meta `I`
inline constexpr std::uint8_t kTokenSent = 0x20;   // a meta client was handed the win token
inline constexpr std::uint8_t kHasFlags = 0x40;    // client flags are stored
inline constexpr std::uint8_t kKeyBinary = 0x80;   // stored by meta `b`: show the key in base64
}  // namespace item_bits

#pragma pack(push, 2)
struct Item {
  ItemOffset next;  // hash chain; owned by the shard lock
  // Read without the shard lock by eviction and flush checks, hence atomic (relaxed).
  std::atomic<RelTime> exptime;  // 0: never
  std::atomic<RelTime> atime;    // last access (memcached's it->time): eviction, flush, `l`
  std::uint64_t cas;
  std::atomic<std::uint16_t> refcount;  // one for the index while linked, one per handle
  std::uint16_t small_value_length;  // kLargeValue: the value lives in its own mapping
  std::uint8_t key_length;
  std::atomic<std::uint8_t> bits;

  struct LargeValue {
    char* data;
    std::size_t length;
  };

  static constexpr std::uint16_t kLargeValue = 0xFFFF;

  bool is_large() const noexcept { return small_value_length == kLargeValue; }
  std::uint8_t state() const noexcept {
    return bits.load(std::memory_order_acquire) & item_bits::kStateMask;
  }
  bool has(std::uint8_t bit) const noexcept {
    return (bits.load(std::memory_order_relaxed) & bit) != 0;
  }
  void set(std::uint8_t bit) noexcept {
    if (!has(bit)) bits.fetch_or(bit, std::memory_order_relaxed);
  }
  void clear(std::uint8_t bit) noexcept {
    if (has(bit)) bits.fetch_and(static_cast<std::uint8_t>(~bit), std::memory_order_relaxed);
  }

  const char* payload() const noexcept { return reinterpret_cast<const char*>(this) + kHeaderSize; }
  char* payload() noexcept { return reinterpret_cast<char*>(this) + kHeaderSize; }
  std::size_t flags_size() const noexcept { return has(item_bits::kHasFlags) ? 4 : 0; }

  std::uint32_t flags() const noexcept {
    std::uint32_t f = 0;
    if (has(item_bits::kHasFlags)) std::memcpy(&f, payload(), sizeof f);
    return f;
  }
  std::string_view key() const noexcept { return {payload() + flags_size(), key_length}; }
  const char* value_start() const noexcept { return payload() + flags_size() + key_length; }

  LargeValue large_value() const noexcept {
    LargeValue v;
    std::memcpy(&v, value_start(), sizeof v);
    return v;
  }
  std::span<char> value() noexcept {
    if (is_large()) {
      LargeValue v = large_value();
      return {v.data, v.length};
    }
    return {const_cast<char*>(value_start()), small_value_length};
  }
  std::string_view value() const noexcept {
    auto v = const_cast<Item*>(this)->value();
    return {v.data(), v.size()};
  }

  // What the item counts in `stats` `bytes`: header, flags, key and value.
  std::size_t total_size() const noexcept { return kHeaderSize + flags_size() + key_length + value().size(); }

  static constexpr std::size_t kHeaderSize = 26;
};
#pragma pack(pop)
static_assert(sizeof(Item) == Item::kHeaderSize, "the item header is 26 bytes");

// A counted reference to an item: the item (and its value) stays valid, unchanged, until
// the last handle goes, even if it is replaced, deleted or evicted meanwhile. This is how
// a value reaches the socket without being copied.
class ItemRef {
 public:
  ItemRef() noexcept = default;
  ItemRef(const ItemRef& other) noexcept : memory_(other.memory_), item_(other.item_) {
    if (item_) item_->refcount.fetch_add(1, std::memory_order_relaxed);
  }
  ItemRef(ItemRef&& other) noexcept
      : memory_(std::exchange(other.memory_, nullptr)), item_(std::exchange(other.item_, nullptr)) {}
  ItemRef& operator=(ItemRef other) noexcept {
    std::swap(memory_, other.memory_);
    std::swap(item_, other.item_);
    return *this;
  }
  ~ItemRef() { reset(); }

  void reset() noexcept {
    if (item_ && item_->refcount.fetch_sub(1, std::memory_order_acq_rel) == 1) release_last();
    item_ = nullptr;
    memory_ = nullptr;
  }

  explicit operator bool() const noexcept { return item_ != nullptr; }
  std::string_view key() const noexcept { return item_->key(); }
  std::string_view value() const noexcept { return static_cast<const Item*>(item_)->value(); }
  std::uint32_t flags() const noexcept { return item_->flags(); }
  std::uint64_t cas() const noexcept { return item_->cas; }
  RelTime exptime() const noexcept { return item_->exptime.load(std::memory_order_relaxed); }
  bool key_is_binary() const noexcept { return item_->has(item_bits::kKeyBinary); }
  const Item* get() const noexcept { return item_; }

 protected:
  friend class Cache;
  // Takes over a reference the cache already counted; the last one frees the item's memory.
  ItemRef(MemoryManager* memory, Item* item) noexcept : memory_(memory), item_(item) {}
  Item* mutable_item() const noexcept { return item_; }

 private:
  void release_last() noexcept;  // MemoryManager::free_item(), defined beside it

  MemoryManager* memory_ = nullptr;
  Item* item_ = nullptr;
};

// An item allocated for a store and not yet linked: only its owner sees it, so its value
// may be written (the connection reads the data block straight into it).
class NewItem : public ItemRef {
 public:
  NewItem() noexcept = default;
  std::span<char> value() noexcept { return mutable_item()->value(); }

 private:
  friend class Cache;
  NewItem(MemoryManager* memory, Item* item) noexcept : ItemRef(memory, item) {}
};

}  // namespace memstripe::storage
