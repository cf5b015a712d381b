// Checks the binary protocol's reply to each request, one request's reply at a time, from
// bytes as they arrive (a reply may be split anywhere). Pure code, no sockets. The bench
// client's BinaryReplyReader reads the wire format; this checks what it read against what
// was asked (BinaryRequestWriter's frames) as strictly as ReplyParser checks text:
// - every response has the opcode and the opaque of the frame it answers;
// - a set's is success, or an error counted by kind (not stored, exists, not found: as
//   NOT_STORED);
// - a get's (GETK) is a hit (status 0) or a miss (0x01) naming the key asked, a hit's
//   value of the size stored;
// - a multi-get's GETKQ hits name keys asked for, in order, misses are silent, errors are
//   counted and the batch goes on, and the NOOP ends it.
// Anything else is malformed: the stream is lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "client/binary_reply_reader.h"
#include "reply_outcome.h"

namespace loadgen {

class BinaryReplyParser {
 public:
  // value_size: the size every value must have; negative accepts any.
  BinaryReplyParser(unsigned key_size, long value_size) : key_size_(key_size), value_size_(value_size) {}

  // As ReplyParser::parse. Requests are answered in the order they were written, their
  // opaques in sequence from 0 (each takes binary_frames() of them).
  ParseStatus parse(RequestKind kind, std::span<const std::uint32_t> keys, std::string_view data,
                    std::size_t& consumed, ReplyOutcome& outcome);

 private:
  ParseStatus check(RequestKind kind, std::span<const std::uint32_t> keys, const client::ReplyHead& head);
  void finish(ReplyOutcome& outcome, RequestKind kind, std::size_t key_count);

  unsigned key_size_;
  long value_size_;
  // Values are counted, never kept: they are passed over as they arrive.
  client::BinaryReplyReader reader_{client::BinaryReplyReader::Blocks::kSkipped};
  client::ReplyHead head_;
  std::uint32_t opaque_ = 0;  // the first frame's of the request being answered
  // Within one reply:
  bool done_after_value_ = false;  // its last response was a hit whose value is still coming
  std::size_t next_key_ = 0;       // first requested key not yet answered
  unsigned hits_ = 0;
  ReplyError error_ = ReplyError::kNone;
};

}  // namespace loadgen
