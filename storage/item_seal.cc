#include "storage/item_seal.h"

#include <xxhash.h>

#include <cstring>

namespace memstripe::storage {
namespace {

char* seal_slot(const Item& item) noexcept {
  const char* end = item.value_start() + (item.is_large() ? sizeof(Item::LargeValue) : item.small_value_length);
  return const_cast<char*>(end);
}

std::uint32_t seal_of(const Item& item) noexcept {
  struct Shape {
    std::uint64_t value_length;
    std::uint64_t cas;
    std::uint32_t key_length;
    std::uint32_t layout_bits;
  } shape{item.value().size(), item.cas, item.key_length,
          static_cast<std::uint32_t>(item.bits.load(std::memory_order_relaxed) &
                                     (item_bits::kHasFlags | item_bits::kKeyBinary))};
  const std::uint64_t seed = XXH3_64bits(&shape, sizeof shape);
  // Flags and key are contiguous from the payload's start; a small value follows them.
  const char* start = item.payload();
  const std::size_t head = item.flags_size() + item.key_length;
  std::uint64_t h;
  if (item.is_large()) {
    h = XXH3_64bits_withSeed(start, head, seed);
    const std::string_view value = item.value();
    h = XXH3_64bits_withSeed(value.data(), value.size(), h);
  } else {
    h = XXH3_64bits_withSeed(start, head + item.small_value_length, seed);
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
