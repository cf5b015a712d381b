// memcached's binary protocol for the unit tests: request frames from their fields, and the
// response packets of a byte stream split back into theirs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/binary_protocol.h"

namespace memstripe::protocol::testing {

struct Frame {
  explicit Frame(std::uint8_t op, std::string k = {}, std::string x = {}, std::string v = {}, std::uint32_t o = 0,
                 std::uint64_t c = 0)
      : opcode(op), key(std::move(k)), extras(std::move(x)), value(std::move(v)), opaque(o), cas(c) {}

  std::uint8_t opcode = 0;
  std::string key;
  std::string extras;
  std::string value;
  std::uint32_t opaque = 0;
  std::uint64_t cas = 0;
  std::uint8_t magic = binary::kRequestMagic;
  // Overrides of the lengths the fields give (malformed requests).
  std::int64_t key_length = -1;
  std::int64_t extras_length = -1;
  std::int64_t body_length = -1;

  std::string bytes() const {
    std::string out(binary::kHeaderSize, '\0');
    out[0] = static_cast<char>(magic);
    out[1] = static_cast<char>(opcode);
    binary::write16(out.data() + 2, static_cast<std::uint16_t>(key_length < 0 ? key.size() : key_length));
    out[4] = static_cast<char>(extras_length < 0 ? extras.size() : extras_length);
    const std::size_t body = extras.size() + key.size() + value.size();
    binary::write32(out.data() + 8, static_cast<std::uint32_t>(body_length < 0 ? body : body_length));
    binary::write32(out.data() + 12, opaque);
    binary::write64(out.data() + 16, cas);
    return out + extras + key + value;
  }
};

inline std::string be32(std::uint32_t v) {
  std::string s(4, '\0');
  binary::write32(s.data(), v);
  return s;
}
inline std::string be64(std::uint64_t v) {
  std::string s(8, '\0');
  binary::write64(s.data(), v);
  return s;
}
inline std::string store_extras(std::uint32_t flags, std::uint32_t exptime = 0) { return be32(flags) + be32(exptime); }
inline std::string arith_extras(std::uint64_t delta, std::uint64_t initial = 0, std::uint32_t exptime = 0) {
  return be64(delta) + be64(initial) + be32(exptime);
}

struct Packet {
  std::uint8_t opcode = 0;
  std::uint16_t status = 0;
  std::uint32_t opaque = 0;
  std::uint64_t cas = 0;
  std::string extras;
  std::string key;
  std::string value;
  std::uint32_t flags() const { return extras.size() == 4 ? binary::read32(extras.data()) : 0; }
  std::uint64_t number() const { return value.size() == 8 ? binary::read64(value.data()) : 0; }
};

// Every whole packet of `bytes`; `rest` gets what follows the last.
inline std::vector<Packet> packets(std::string_view bytes, std::string* rest = nullptr) {
  std::vector<Packet> out;
  while (bytes.size() >= binary::kHeaderSize) {
    const char* h = bytes.data();
    const std::size_t body = binary::read32(h + 8);
    if (bytes.size() < binary::kHeaderSize + body) break;
    Packet p;
    p.opcode = static_cast<std::uint8_t>(h[1]);
    const std::size_t key = binary::read16(h + 2);
    const std::size_t extras = static_cast<std::uint8_t>(h[4]);
    p.status = binary::read16(h + 6);
    p.opaque = binary::read32(h + 12);
    p.cas = binary::read64(h + 16);
    const std::string_view b = bytes.substr(binary::kHeaderSize, body);
    p.extras = std::string(b.substr(0, extras));
    p.key = std::string(b.substr(extras, key));
    p.value = std::string(b.substr(extras + key));
    out.push_back(p);
    bytes.remove_prefix(binary::kHeaderSize + body);
  }
  if (rest) *rest = std::string(bytes);
  return out;
}

}  // namespace memstripe::protocol::testing
