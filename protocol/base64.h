// Base64 for the meta protocol's binary keys (the `b` flag), with the decoding rules of the
// decoder memcached 1.6.18 carries (Jouni Malinen's), because a client's key is whatever
// that decoder makes of it: bytes outside the alphabet are skipped, the count of the rest
// must be a positive multiple of four, and the first block holding '=' ends the input
// ("QQ==QUJD" is "A"). Pure functions over caller-provided buffers: no allocation.
#pragma once

#include <cstddef>
#include <string_view>

namespace memstripe::protocol {

constexpr std::size_t base64_encoded_size(std::size_t n) noexcept { return (n + 2) / 3 * 4; }

// Writes the encoding of `in` (with '=' padding) to `out`, which holds at least
// base64_encoded_size(in.size()) bytes; returns the bytes written.
std::size_t base64_encode(std::string_view in, char* out) noexcept;

// Decodes `in` into `out` (room for in.size() bytes always suffices); returns the bytes
// written, or 0 when memcached's decoder refuses the input.
std::size_t base64_decode(std::string_view in, char* out) noexcept;

}  // namespace memstripe::protocol
