#include "storage/item_seal.h"

// Inlined: the seal is computed on every store, and a call into the shared library costs as
// much as hashing a small item.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstring>

namespace memstripe::storage {
namespace {

char* seal_slot(const Item& item) noexcept {
  const char* end = item.value_start() + (item.is_large() ? sizeof(Item::LargeValue) : item.small_value_length);
  return const_cast<char*>(end);
}

std::uint32_t seal_of(const Item& item) noexcept {
  // What is not in the bytes hashed goes into the seed: the CAS, and the lengths and the
  // key's encoding, which say how to read them. One pass over the item for a small value
  // (flags, key and value are contiguous from the payload's start): it is paid on every store.
  const bool large = item.is_large();
  const std::uint64_t value_length = large ? item.large_value().length : item.small_value_length;
  const std::uint64_t layout = (value_length << 16) | (std::uint64_t{item.key_length} << 8) |
                               (item.bits.load(std::memory_order_relaxed) & (item_bits::kHasFlags | item_bits::kKeyBinary));
  const std::uint64_t seed = item.cas ^ (layout * 0x9E3779B97F4A7C15ull);
  const std::size_t head = item.flags_size() + item.key_length;
  std::uint64_t h;
  if (large) {
    h = XXH3_64bits_withSeed(item.payload(), head, seed);
    h = XXH3_64bits_withSeed(item.large_value().data, value_length, h);
  } else {
    h = XXH3_64bits_withSeed(item.payload(), head + value_length, seed);
  }
  return static_cast<std::uint32_t>(h ^ (h >> 32));
}

}  // namespace

void seal_item(Item& item) noexcept {
  const std::uint32_t seal = seal_of(item);
  std::memcpy(seal_slot(item), &seal, sizeof seal);
}

bool seal_matches(const Item& item) noexcept {
  std::uint32_t stored;
  std::memcpy(&stored, seal_slot(item), sizeof stored);
  return stored == seal_of(item);
}

}  // namespace memstripe::storage
