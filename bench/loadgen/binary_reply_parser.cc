#include "binary_reply_parser.h"

#include "binary_request_writer.h"
#include "client/binary_protocol.h"
#include "key_chooser.h"

namespace loadgen {

using client::ReplyCode;
using Event = client::BinaryReplyReader::Event;
namespace binary = client::binary;

namespace {

// The error an error response counts as; kNone for any other code.
inline ReplyError error_of(ReplyCode code) noexcept {
  switch (code) {
    case ReplyCode::kError: return ReplyError::kError;
    case ReplyCode::kClientError: return ReplyError::kClientError;
    case ReplyCode::kServerError: return ReplyError::kServerError;
    default: return ReplyError::kNone;
  }
}

}  // namespace

void BinaryReplyParser::finish(ReplyOutcome& outcome, RequestKind kind, std::size_t key_count) {
  outcome.hits = hits_;
  outcome.misses = kind == RequestKind::kGet ? static_cast<unsigned>(key_count) - hits_ : 0;
  outcome.error = error_;
  opaque_ += binary_frames(kind, key_count);
  done_after_value_ = false;
  next_key_ = 0;
  hits_ = 0;
  error_ = ReplyError::kNone;
}

inline ParseStatus BinaryReplyParser::check(RequestKind kind, std::span<const std::uint32_t> keys,
                                            const client::ReplyHead& head) {
  const ReplyError error = error_of(head.code);
  if (kind == RequestKind::kSet) {
    if (head.opcode != binary::kSet || head.opaque != opaque_) return ParseStatus::kMalformed;
    if (head.code == ReplyCode::kStored) return ParseStatus::kDone;
    if (head.code == ReplyCode::kNotStored || head.code == ReplyCode::kExists || head.code == ReplyCode::kNotFound) {
      error_ = ReplyError::kNotStored;
      return ParseStatus::kDone;
    }
    error_ = error;
    return error != ReplyError::kNone ? ParseStatus::kDone : ParseStatus::kMalformed;
  }
  const bool hit = head.code == ReplyCode::kValue;
  if (hit && value_size_ >= 0 && head.value_bytes != static_cast<std::uint64_t>(value_size_))
    error_ = ReplyError::kWrongValue;
  if (keys.size() == 1) {  // GETK
    if (head.opcode != binary::kGetK || head.opaque != opaque_) return ParseStatus::kMalformed;
    if (hit || head.code == ReplyCode::kNotFound) {
      if (parse_key(head.key, key_size_) != keys[0]) return ParseStatus::kMalformed;
      hits_ = hit ? 1 : 0;
      return ParseStatus::kDone;
    }
    error_ = error;
    return error != ReplyError::kNone ? ParseStatus::kDone : ParseStatus::kMalformed;
  }
  // GETKQ for each key, then NOOP.
  const std::uint32_t frame = head.opaque - opaque_;
  if (head.opcode == binary::kNoop)
    return frame == keys.size() && head.code == ReplyCode::kMetaNoop ? ParseStatus::kDone : ParseStatus::kMalformed;
  if (head.opcode != binary::kGetKQ || frame >= keys.size() || frame < next_key_) return ParseStatus::kMalformed;
  next_key_ = frame + 1;
  if (hit) {
    if (parse_key(head.key, key_size_) != keys[frame]) return ParseStatus::kMalformed;
    ++hits_;
    return ParseStatus::kNeedMore;
  }
  // A quiet get's miss is silent: only an error may answer it, and the NOOP still comes.
  if (error == ReplyError::kNone) return ParseStatus::kMalformed;
  error_ = error;
  return ParseStatus::kNeedMore;
}

ParseStatus BinaryReplyParser::parse(RequestKind kind, std::span<const std::uint32_t> keys, std::string_view data,
                                     std::size_t& consumed, ReplyOutcome& outcome) {
  std::size_t pos = 0;
  for (;;) {
    std::size_t used = 0;
    std::string_view block;
    const Event event = reader_.read(data.substr(pos), used, head_, block);
    pos += used;
    consumed += used;
    if (event == Event::kNeedMore) return ParseStatus::kNeedMore;
    if (event == Event::kMalformed) return ParseStatus::kMalformed;
    ParseStatus status = ParseStatus::kNeedMore;
    if (event == Event::kBlock) {  // a hit's value is over
      if (done_after_value_) status = ParseStatus::kDone;
    } else {
      status = check(kind, keys, head_);
      if (status == ParseStatus::kDone && reader_.in_block()) {
        done_after_value_ = true;
        status = ParseStatus::kNeedMore;
      }
    }
    if (status == ParseStatus::kMalformed) return status;
    if (status == ParseStatus::kDone) {
      finish(outcome, kind, keys.size());
      return status;
    }
  }
}

}  // namespace loadgen
