// Test helper: binary responses as memcached writes them, for the reader's and the load
// generator's tests.
#pragma once

#include <cstdint>
#include <string>

#include "client/binary_protocol.h"

namespace client::testing {

using namespace binary;

inline std::string response(std::uint8_t opcode, std::uint16_t status, std::uint32_t opaque, const std::string& extras,
                            const std::string& key, const std::string& value, std::uint64_t cas = 0,
                            std::uint8_t magic = kResponseMagic) {
  std::string f(kHeaderSize, '\0');
  f[kMagicAt] = static_cast<char>(magic);
  f[kOpcodeAt] = static_cast<char>(opcode);
  store16(&f[kKeyLengthAt], static_cast<std::uint16_t>(key.size()));
  f[kExtrasLengthAt] = static_cast<char>(extras.size());
  store16(&f[kStatusAt], status);
  store32(&f[kBodyLengthAt], static_cast<std::uint32_t>(extras.size() + key.size() + value.size()));
  store32(&f[kOpaqueAt], opaque);
  store32(&f[kCasAt], static_cast<std::uint32_t>(cas >> 32));
  store32(&f[kCasAt + 4], static_cast<std::uint32_t>(cas));
  return f + extras + key + value;
}

// 4 bytes of flags: the extras of a get's hit.
inline std::string flags(std::uint32_t f) {
  std::string e(4, '\0');
  store32(e.data(), f);
  return e;
}

inline std::string eight_bytes(std::uint64_t v) {
  std::string s(8, '\0');
  store32(s.data(), static_cast<std::uint32_t>(v >> 32));
  store32(s.data() + 4, static_cast<std::uint32_t>(v));
  return s;
}

}  // namespace client::testing
