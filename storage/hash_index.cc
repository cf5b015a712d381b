#include "storage/hash_index.h"

#include <xxhash.h>

#include <cstring>

namespace memstripe::storage {

std::uint64_t hash_key(std::string_view key) noexcept { return XXH3_64bits(key.data(), key.size()); }

HashIndex::HashIndex(const PageArena& arena, unsigned initial_power)
    : arena_(arena),
      buckets_(new ItemOffset[std::size_t{1} << initial_power]()),
      mask_((std::size_t{1} << initial_power) - 1) {}

std::size_t HashIndex::bytes() const noexcept {
  std::size_t b = bucket_count() * sizeof(ItemOffset);
  if (old_) b += (old_mask_ + 1) * sizeof(ItemOffset);
  return b;
}

ItemOffset* HashIndex::slot_for(std::uint64_t hash) noexcept {
  if (old_) {
    std::size_t ob = hash & old_mask_;
    if (ob >= migrated_) return &old_[ob];
  }
  return &buckets_[hash & mask_];
}

Item* HashIndex::find(std::string_view key, std::uint64_t hash) noexcept {
  for (ItemOffset o = *slot_for(hash); o != 0;) {
    Item* item = arena_.item_at(o);
    if (item->key_length == key.size() && std::memcmp(item->key().data(), key.data(), key.size()) == 0) {
      return item;
    }
    o = item->next;
  }
  return nullptr;
}

void HashIndex::prefetch_head(std::uint64_t hash) noexcept {
  if (ItemOffset o = *slot_for(hash); o != 0) __builtin_prefetch(arena_.item_at(o));
}

ItemOffset* HashIndex::find_slot(const Item* item, std::uint64_t hash) noexcept {
  ItemOffset target = arena_.offset_of(item);
  for (ItemOffset* slot = slot_for(hash); *slot != 0; slot = &arena_.item_at(*slot)->next) {
    if (*slot == target) return slot;
  }
  return nullptr;
}

void HashIndex::insert(Item* item, std::uint64_t hash) noexcept {
  ItemOffset* slot = slot_for(hash);
  item->next = *slot;
  *slot = arena_.offset_of(item);
  ++count_;
}

void HashIndex::replace(Item* old, Item* replacement, std::uint64_t hash) noexcept {
  ItemOffset* slot = find_slot(old, hash);
  replacement->next = old->next;
  *slot = arena_.offset_of(replacement);
}

bool HashIndex::remove(const Item* item, std::uint64_t hash) noexcept {
  ItemOffset* slot = find_slot(item, hash);
  if (slot == nullptr) return false;
  *slot = item->next;
  --count_;
  return true;
}

void HashIndex::start_growth(std::unique_ptr<ItemOffset[]> buckets) noexcept {
  old_ = std::move(buckets_);
  old_mask_ = mask_;
  migrated_ = 0;
  buckets_ = std::move(buckets);
  mask_ = old_mask_ * 2 + 1;
}

std::size_t HashIndex::migrate(std::size_t buckets) noexcept {
  if (!old_) return 0;
  for (; buckets > 0 && migrated_ <= old_mask_; --buckets, ++migrated_) {
    for (ItemOffset o = old_[migrated_]; o != 0;) {
      Item* item = arena_.item_at(o);
      ItemOffset next = item->next;
      ItemOffset& head = buckets_[hash_key(item->key()) & mask_];
      item->next = head;
      head = o;
      o = next;
    }
    old_[migrated_] = 0;
  }
  if (migrated_ <= old_mask_) return 0;
  std::size_t freed = (old_mask_ + 1) * sizeof(ItemOffset);
  old_.reset();
  return freed;
}

}  // namespace memstripe::storage
