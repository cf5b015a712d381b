// The whole reply to one soak request, read from the bytes received so far with the bench
// client's text reader. The soak has one request in flight per connection, so a reply is
// read from the start of what has arrived, again each time more arrives; nothing is copied
// (values are views into the caller's buffer, valid until it drops those bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/reply_head.h"
#include "client/text_reply_reader.h"

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
  // The reply's last line, without "\r\n" (for a get, "END"; for mg with a value, the VA
  // line), and what it says.
  std::string_view line;
  client::ReplyCode code = client::ReplyCode::kOther;
  std::vector<ReceivedValue> values;
  std::string error;  // kMalformed: what was wrong
};

// A reply line longer than this cannot be an answer to anything the soak sends.
inline constexpr std::size_t kMaxReplyLine = client::TextReplyReader::kMaxLine;

Reply read_reply(ReplyKind kind, std::string_view received);

}  // namespace soak
