// Writes requests in memcached's binary protocol into a connection's send buffer, as the
// binary clients (libmemcached, pylibmc, spymemcached, dalli) send them: a set is SET with
// flags 0 and expiry 0 in its extras; a get of one key is GETK, whose response echoes the
// key (so a hit is checked against the key asked, as a text VALUE line is); a multi-get of
// N keys is N GETKQ, silent on a miss, and a NOOP whose response ends the batch.
//
// Each frame carries its own opaque, in sequence from the one the caller gives, so the
// reply check can tell which frame a response answers. Each whole frame (header, extras,
// key, value) is built once; a request costs a copy, the key's digits and the opaque.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "reply_outcome.h"

namespace loadgen {

// The frames, and so the opaques, a request of `kind` for `keys` keys takes.
constexpr std::uint32_t binary_frames(RequestKind kind, std::size_t keys) noexcept {
  return kind == RequestKind::kSet || keys == 1 ? 1 : static_cast<std::uint32_t>(keys) + 1;
}

class BinaryRequestWriter {
 public:
  BinaryRequestWriter(unsigned key_size, unsigned value_size);

  std::size_t max_request_size(unsigned keys) const noexcept;

  // Append the request's frames, the first with `opaque`; return the opaques used.
  std::uint32_t append_get(std::span<const std::uint32_t> keys, std::uint32_t opaque, std::vector<char>& out) const;
  std::uint32_t append_set(std::uint32_t key, std::uint32_t opaque, std::vector<char>& out) const;

 private:
  unsigned key_size_;
  std::string set_;    // SET: header, flags and expiry, the key's place, the value
  std::string getk_;   // GETK: header, the key's place
  std::string getkq_;  // GETKQ: header, the key's place
  std::string noop_;   // NOOP: header
};

}  // namespace loadgen
