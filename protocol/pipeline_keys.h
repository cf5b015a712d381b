// The keys of the binary requests waiting at the front of a read, found without decoding
// them, so that the cache can prefetch their lookups before the first of them runs
// (storage::Cache::prefetch). A hint only: what this scanner gets wrong costs a useless
// prefetch, never a wrong answer, so it stops at what it does not know rather than judge
// it; the decoder stays the only judge of the bytes. Binary only: a binary header names its
// key's offset and length, where a text line must be split to find them, and that second
// parse of every pipelined line cost more than the prefetch saved (bench/README, "Tried").
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace memstripe::protocol {

// Fills `keys` from the front and returns how many it found; it stops at the first request
// that is not complete enough to show its key, or that it cannot step over.
std::size_t binary_pipeline_keys(std::string_view input, std::span<std::string_view> keys) noexcept;

}  // namespace memstripe::protocol
