#include "cache_aside_reply_parser.h"

#include "text_reply_errors.h"

namespace loadgen {

using client::ReplyCode;
using client::TextReplyReader;

ParseStatus CacheAsideReplyParser::on_head(bool is_set, const CacheAsideRequest& r, CacheAsideOutcome& outcome) {
  auto done = [&](ReplyError error) {
    outcome = partial_;
    if (outcome.error == ReplyError::kNone) outcome.error = error;
    partial_ = {};
    after_value_ = false;
    return ParseStatus::kDone;
  };
  if (const auto error = error_line(head_.code)) return done(*error);
  if (is_set) {
    if (const auto answer = set_reply(head_.code)) return done(*answer);
    return ParseStatus::kMalformed;
  }
  if (head_.code == ReplyCode::kEnd) return done(ReplyError::kNone);
  // One key asked: one VALUE at most, and it must be that key's.
  if (head_.code != ReplyCode::kValue || after_value_ || !writer_.is_key_of(head_.key, r))
    return ParseStatus::kMalformed;
  after_value_ = true;
  partial_.hit = true;
  if (check_sizes_ && head_.value_bytes != r.value_size) partial_.error = ReplyError::kWrongValue;
  return ParseStatus::kNeedMore;
}

ParseStatus CacheAsideReplyParser::parse(bool is_set, const CacheAsideRequest& r, std::string_view data,
                                         std::size_t& consumed, CacheAsideOutcome& outcome) {
  std::size_t pos = 0;
  for (;;) {
    std::size_t used = 0;
    std::string_view block;
    const auto event = reader_.read(data.substr(pos), used, head_, block);
    pos += used;
    consumed += used;
    switch (event) {
      case TextReplyReader::Event::kNeedMore: return ParseStatus::kNeedMore;
      case TextReplyReader::Event::kMalformed: return ParseStatus::kMalformed;
      case TextReplyReader::Event::kBlock:
        if (!values_.matches(r.key_class, r.key, block)) partial_.corrupt = true;
        continue;
      case TextReplyReader::Event::kHead: {
        const ParseStatus status = on_head(is_set, r, outcome);
        if (status != ParseStatus::kNeedMore) return status;
        continue;
      }
    }
  }
}

}  // namespace loadgen
