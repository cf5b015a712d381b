// One request of the binary protocol as the BinaryDecoder hands it over: the command to
// execute, in no wire format (requests.h), and what the BinaryEncoder needs to answer it:
// the opcode as sent (its quiet form included), the opaque, and the shape of the reply.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/binary_protocol.h"
#include "protocol/requests.h"

namespace memstripe::protocol {

struct BinaryRequest {
  Request command;
  std::uint8_t opcode = 0;   // as sent: replies carry it back
  std::uint32_t opaque = 0;  // echoed in every reply to this request
  // Only errors are answered (a GETQ or GETKQ answers its hits too).
  bool quiet = false;
  // GETK, GATK and their quiet forms: replies carry the key.
  bool with_key = false;
  // TOUCH answers a hit with the flags and the CAS, without the value.
  bool with_value = true;
  std::string_view key;
  // The decoder's own answer, when it has one: an error status and its text...
  binary::Status error = binary::kSuccess;
  std::string_view error_text;
  // ...after which memcached closes the connection (a malformed request).
  bool close_after_error = false;
};

// What answering a store needs once its value has arrived.
struct PendingBinaryReply {
  std::uint8_t opcode = 0;
  std::uint32_t opaque = 0;
  bool quiet = false;
  // No binary store reply shows a key.
  bool shows_key() const noexcept { return false; }
};

}  // namespace memstripe::protocol
