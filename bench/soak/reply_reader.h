// Reads the reply to one soak request from the bytes received so far. Pure code: the
// connection keeps the bytes and calls again when more arrive; nothing is copied (values
// are views into the caller's buffer, valid until it drops those bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soak {

enum class ReplyKind : std::uint8_t {
  kLine,      // one line: set add replace append prepend cas delete incr decr touch ms
  kRetrieve,  // get gets gat: VALUE blocks, then END
  kMetaGet,   // mg ... v f: VA <length> f<flags> and a block, or one line (EN)
};

struct ReceivedValue {
  std::string_view key;  // as the VALUE line named it; for mg, empty
  std::uint32_t flags = 0;
  std::uint64_t cas = 0;
  std::string_view data;
};

struct Reply {
  enum class Status : std::uint8_t { kNeedMore, kDone, kMalformed };
  Status status = Status::kNeedMore;
  std::size_t consumed = 0;  // kDone: the reply's bytes
  // The reply's line without "\r\n" (for a get, "END"; for mg with a value, the VA line).
  std::string_view line;
  std::vector<ReceivedValue> values;
  std::string error;  // kMalformed: what was wrong
};

// A reply line longer than this cannot be an answer to anything the soak sends.
inline constexpr std::size_t kMaxReplyLine = 2048;

Reply read_reply(ReplyKind kind, std::string_view received);

}  // namespace soak
