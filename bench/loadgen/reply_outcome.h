// What a request was and what its reply said, whatever the protocol: the types the text and
// binary reply checks (reply_parser.h, binary_reply_parser.h) share with the connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>

namespace loadgen {

enum class Protocol : std::uint8_t { kText, kBinary };

enum class RequestKind : std::uint8_t { kGet, kSet };

enum class ReplyError : std::uint8_t {
  kNone,
  kError,        // ERROR (binary: unknown command)
  kClientError,  // CLIENT_ERROR ... (binary: invalid arguments, too large ...)
  kServerError,  // SERVER_ERROR ... (binary: out of memory, busy ...)
  kNotStored,    // NOT_STORED, EXISTS, NOT_FOUND to a set
  kWrongValue,   // a VALUE of another size than was stored
  kCount
};

// The name a report gives each kind (the JSON's error_kinds).
constexpr const char* reply_error_name(ReplyError error) noexcept {
  constexpr const char* kNames[] = {"none", "error", "client_error", "server_error", "not_stored", "wrong_value"};
  static_assert(std::size(kNames) == static_cast<std::size_t>(ReplyError::kCount));
  return kNames[static_cast<std::size_t>(error)];
}

struct ReplyOutcome {
  unsigned hits = 0;
  unsigned misses = 0;
  ReplyError error = ReplyError::kNone;
};

// Where a reply check is after the bytes it was given.
enum class ParseStatus : std::uint8_t { kNeedMore, kDone, kMalformed };

}  // namespace loadgen
