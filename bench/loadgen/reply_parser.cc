#include "reply_parser.h"

#include <charconv>
#include <cstring>

#include "key_chooser.h"

namespace loadgen {

namespace {

// Splits off the next space-separated token of `line`.
std::string_view next_token(std::string_view& line) {
  const auto end = line.find(' ');
  std::string_view token = line.substr(0, end);
  line = end == std::string_view::npos ? std::string_view{} : line.substr(end + 1);
  return token;
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size() && !text.empty();
}

}  // namespace

void ReplyParser::finish(ReplyOutcome& outcome, std::size_t key_count) {
  outcome.hits = hits_;
  outcome.misses = static_cast<unsigned>(key_count) - hits_;
  if (outcome.error == ReplyError::kNone) outcome.error = error_;
  block_remaining_ = 0;
  next_key_ = 0;
  hits_ = 0;
  error_ = ReplyError::kNone;
}

ReplyParser::Status ReplyParser::parse(RequestKind kind, std::span<const std::uint32_t> keys,
                                       std::string_view data, std::size_t& consumed,
                                       ReplyOutcome& outcome) {
  std::size_t pos = 0;
  for (;;) {
    if (block_remaining_ > 0) {
      const std::size_t take = std::min(block_remaining_, data.size() - pos);
      // The block's last two bytes must be \r\n; check those that are in this chunk.
      for (std::size_t r = std::min<std::size_t>(block_remaining_, 2); r > block_remaining_ - take; --r) {
        if (data[pos + (block_remaining_ - r)] != (r == 2 ? '\r' : '\n')) return Status::kMalformed;
      }
      block_remaining_ -= take;
      pos += take;
      consumed += take;
      if (block_remaining_ > 0) return Status::kNeedMore;
    }
    const char* start = data.data() + pos;
    const void* lf = std::memchr(start, '\n', data.size() - pos);
    if (lf == nullptr) {
      return data.size() - pos > kMaxLine ? Status::kMalformed : Status::kNeedMore;
    }
    const std::size_t line_length = static_cast<const char*>(lf) - start + 1;
    if (line_length < 2 || start[line_length - 2] != '\r') return Status::kMalformed;
    pos += line_length;
    consumed += line_length;
    outcome = ReplyOutcome{};
    const Status status =
        parse_line(kind, keys, std::string_view(start, line_length - 2), outcome);
    if (status != Status::kNeedMore) {
      if (status == Status::kDone) finish(outcome, kind == RequestKind::kGet ? keys.size() : 0);
      return status;
    }
  }
}

ReplyParser::Status ReplyParser::parse_line(RequestKind kind, std::span<const std::uint32_t> keys,
                                            std::string_view line, ReplyOutcome& outcome) {
  if (kind == RequestKind::kGet) {
    if (line == "END") return Status::kDone;
    if (line.starts_with("VALUE ")) {
      line.remove_prefix(6);
      const std::uint64_t key = parse_key(next_token(line), key_size_);
      std::uint64_t flags = 0;
      std::uint64_t bytes = 0;
      if (!parse_u64(next_token(line), flags) || !parse_u64(next_token(line), bytes))
        return Status::kMalformed;
      // Hits come back in the order asked, misses left out; a key asked twice comes twice.
      std::size_t i = next_key_;
      while (i < keys.size() && keys[i] != key) ++i;
      if (i == keys.size()) return Status::kMalformed;
      next_key_ = i + 1;
      ++hits_;
      if (value_size_ >= 0 && bytes != static_cast<std::uint64_t>(value_size_))
        error_ = ReplyError::kWrongValue;
      block_remaining_ = bytes + 2;
      return Status::kNeedMore;
    }
  } else {
    if (line == "STORED") return Status::kDone;
    if (line == "NOT_STORED" || line == "EXISTS" || line == "NOT_FOUND") {
      outcome.error = ReplyError::kNotStored;
      return Status::kDone;
    }
  }
  // Errors end the reply to either kind of request.
  if (line == "ERROR") {
    outcome.error = ReplyError::kError;
    return Status::kDone;
  }
  if (line.starts_with("CLIENT_ERROR")) {
    outcome.error = ReplyError::kClientError;
    return Status::kDone;
  }
  if (line.starts_with("SERVER_ERROR")) {
    outcome.error = ReplyError::kServerError;
    return Status::kDone;
  }
  return Status::kMalformed;
}

}  // namespace loadgen
