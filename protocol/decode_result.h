// What a decoder's decode() answers (Asio's request_parser: a complete request, need
// more bytes, or a protocol error; plus the steps of a store whose value follows its
// header). Shared by every wire format's decoder, so that the Session runs them alike.
#pragma once

#include <cstddef>
#include <cstdint>

namespace memstripe::protocol {

enum class DecodeStatus : std::uint8_t {
  kRequest,        // `request` is complete: execute it
  kValueExpected,  // `request` is a store whose value follows: accept_value() or refuse_value()
  kValueComplete,  // the value announced is in, with its terminator: see pending_value()
  kSkipped,        // bytes were consumed and nothing is to be done for them: call again
  kNeedMore,       // no complete request: keep the bytes not consumed, call again when more arrive
  kClose,          // memcached drops the connection here: close_reason()
};

struct DecodeResult {
  DecodeStatus status = DecodeStatus::kNeedMore;
  std::size_t consumed = 0;
  bool new_command = false;  // a command was read (it counts toward -R)
  // Once the replies made so far are sent, the connection closes (a malformed binary
  // request, after its answer).
  bool close_after = false;
};

}  // namespace memstripe::protocol
