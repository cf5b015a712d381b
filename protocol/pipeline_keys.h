// The keys of the requests waiting at the front of a read, found without decoding them, so
// that the cache can prefetch their lookups before the first of them runs
// (storage::Cache::prefetch). A hint only: what these scanners get wrong costs a useless
// prefetch, never a wrong answer, so they skip what they do not know rather than judge it;
// the decoders stay the only judges of the bytes.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace memstripe::protocol {

// Both fill `keys` from the front and return how many they found; they stop at the first
// request that is not complete enough to show its key, or that they cannot step over. The
// text one answers 0 at once for a read of one request naming one key, the unpipelined
// client's every read, which has no lookups to overlap.
std::size_t text_pipeline_keys(std::string_view input, std::span<std::string_view> keys) noexcept;
std::size_t binary_pipeline_keys(std::string_view input, std::span<std::string_view> keys) noexcept;

}  // namespace memstripe::protocol
