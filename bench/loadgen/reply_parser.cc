#include "reply_parser.h"

#include "key_chooser.h"
#include "text_reply_errors.h"

namespace loadgen {

using client::ReplyCode;
using client::TextReplyReader;

void ReplyParser::finish(ReplyOutcome& outcome, std::size_t key_count) {
  outcome.hits = hits_;
  outcome.misses = static_cast<unsigned>(key_count) - hits_;
  if (outcome.error == ReplyError::kNone) outcome.error = error_;
  next_key_ = 0;
  hits_ = 0;
  error_ = ReplyError::kNone;
}

inline ReplyParser::Status ReplyParser::check(RequestKind kind, std::span<const std::uint32_t> keys,
                                       const client::ReplyHead& head, ReplyOutcome& outcome) {
  if (const auto error = error_line(head.code)) {
    outcome.error = *error;
    return Status::kDone;
  }
  if (kind == RequestKind::kGet) {
    if (head.code == ReplyCode::kEnd) return Status::kDone;
    if (head.code == ReplyCode::kValue) {
      const std::uint64_t key = parse_key(head.key, key_size_);
      // Hits come back in the order asked, misses left out; a key asked twice comes twice.
      std::size_t i = next_key_;
      while (i < keys.size() && keys[i] != key) ++i;
      if (i == keys.size()) return Status::kMalformed;
      next_key_ = i + 1;
      ++hits_;
      if (value_size_ >= 0 && head.value_bytes != static_cast<std::uint64_t>(value_size_))
        error_ = ReplyError::kWrongValue;
      return Status::kNeedMore;  // its block, then more VALUEs or END
    }
  } else if (const auto answer = set_reply(head.code)) {
    outcome.error = *answer;
    return Status::kDone;
  }
  return Status::kMalformed;
}

ReplyParser::Status ReplyParser::parse(RequestKind kind, std::span<const std::uint32_t> keys,
                                       std::string_view data, std::size_t& consumed,
                                       ReplyOutcome& outcome) {
  if (protocol_ == Protocol::kBinary) return binary_.parse(kind, keys, data, consumed, outcome);
  std::size_t pos = 0;
  for (;;) {
    std::size_t used = 0;
    std::string_view block;
    const auto event = reader_.read(data.substr(pos), used, head_, block);
    pos += used;
    consumed += used;
    if (event == TextReplyReader::Event::kNeedMore) return Status::kNeedMore;
    if (event != TextReplyReader::Event::kHead) return Status::kMalformed;  // kSkipped hands out no block
    outcome = ReplyOutcome{};
    const Status status = check(kind, keys, head_, outcome);
    if (status != Status::kNeedMore) {
      if (status == Status::kDone) finish(outcome, kind == RequestKind::kGet ? keys.size() : 0);
      return status;
    }
  }
}

}  // namespace loadgen
