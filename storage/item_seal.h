// What lets a restart prove an item whole (memory_file.h): with a memory file, every
// item carries after its value (or its large value's descriptor) a 32-bit seal, a hash of
// everything a reader is given (flags, key, value, their lengths, the key's encoding and
// the CAS), written when the item is linked and whenever one of those changes in place.
// An item caught mid-write by a crash, a chunk being reused, or bytes flipped in the file
// fail it, and the restart drops them. Access times, TTLs and the CLOCK bits are left out:
// they change on reads and touches, in single aligned stores that cannot tear, and a
// reader is never given a wrong value by them.
//
// A 32-bit hash, not a cryptographic one: what it guards against is a torn write, which no
// client chooses; a crafted value cannot sit where an item header is read, because a page
// that changes class is wiped first (MemoryManager).
#pragma once

#include <cstddef>
#include <cstdint>

#include "storage/item.h"

namespace memstripe::storage {

inline constexpr std::size_t kSealSize = 4;

// Writes the item's seal; the item's bytes, and its CAS, are final.
void seal_item(Item& item) noexcept;
// Whether the seal matches what the item holds now.
bool seal_matches(const Item& item) noexcept;

}  // namespace memstripe::storage
