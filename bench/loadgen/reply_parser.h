// Checks the reply to each request, one request's reply at a time, from bytes as they
// arrive (a reply may be split anywhere). Pure code, no sockets. The bench client's
// TextReplyReader reads the wire format; this checks what it read against what was asked:
// a get's VALUEs must name the keys asked for, in order, with the size that was stored,
// then END; a set must be STORED. Anything else is counted, by kind, and a reply it cannot
// read at all is reported as malformed: the stream is lost. In a binary run it hands each
// reply to BinaryReplyParser, which checks the binary protocol's responses the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "binary_reply_parser.h"
#include "client/text_reply_reader.h"
#include "reply_outcome.h"

namespace loadgen {

class ReplyParser {
 public:
  using Status = ParseStatus;

  // value_size: the size every VALUE must have; negative accepts any.
  ReplyParser(unsigned key_size, long value_size, Protocol protocol = Protocol::kText)
      : protocol_(protocol), key_size_(key_size), value_size_(value_size), binary_(key_size, value_size) {}

  // Parses the reply to a request of `kind` (for gets, for `keys`) from `data`, adding
  // to `consumed` the bytes it used. kNeedMore: everything usable was used; call again
  // with the unused rest followed by more bytes. kDone: `outcome` holds the reply.
  Status parse(RequestKind kind, std::span<const std::uint32_t> keys, std::string_view data,
               std::size_t& consumed, ReplyOutcome& outcome);

  // A reply line longer than this is garbage, not a reply to anything we sent.
  static constexpr std::size_t kMaxLine = client::TextReplyReader::kMaxLine;
  // Nor is a binary response whose head (or whole body, without an item) is longer.
  static constexpr std::size_t kMaxBinaryHead = client::BinaryReplyReader::kMaxHead;

 private:
  Status check(RequestKind kind, std::span<const std::uint32_t> keys, const client::ReplyHead& head,
               ReplyOutcome& outcome);
  void finish(ReplyOutcome& outcome, std::size_t key_count);

  Protocol protocol_;
  unsigned key_size_;
  long value_size_;
  // Values are counted, never kept: their blocks are passed over as they arrive.
  client::TextReplyReader reader_{client::TextReplyReader::Blocks::kSkipped};
  client::ReplyHead head_;
  // Within one reply:
  std::size_t next_key_ = 0;  // first requested key not yet answered
  unsigned hits_ = 0;
  ReplyError error_ = ReplyError::kNone;
  BinaryReplyParser binary_;
};

}  // namespace loadgen
