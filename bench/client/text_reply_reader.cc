#include "client/text_reply_reader.h"

#include <algorithm>
#include <cstring>

#include "client/numbers.h"

namespace client {

namespace {

// Splits off the next space-separated token of `rest`.
inline std::string_view next_token(std::string_view& rest) noexcept {
  const std::size_t space = rest.find(' ');
  const std::string_view token = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
  return token;
}

// `line` is `word` (a constant: the comparison is inlined, no call per reply).
template <std::size_t N>
bool is(std::string_view line, const char (&word)[N]) noexcept {
  return line.size() == N - 1 && std::memcmp(line.data(), word, N - 1) == 0;
}

template <std::size_t N>
bool starts(std::string_view line, const char (&word)[N]) noexcept {
  return line.size() >= N - 1 && std::memcmp(line.data(), word, N - 1) == 0;
}

// VALUE <key> <flags> <bytes> [<cas>]
inline bool parse_value(std::string_view rest, ReplyHead& head) noexcept {
  head.code = ReplyCode::kValue;
  head.key = next_token(rest);
  head.cas = 0;
  if (!parse_integer(next_token(rest), head.flags) || !parse_integer(next_token(rest), head.value_bytes)) return false;
  if (!rest.empty() && !parse_integer(next_token(rest), head.cas)) return false;
  return rest.empty() && head.value_bytes <= TextReplyReader::kMaxValueBytes;
}

// <code> [<flags>]: a meta reply's two letters, or OK.
inline ReplyCode two_letters(std::string_view line) noexcept {
  switch ((line[0] << 8) | line[1]) {
    case ('V' << 8) | 'A': return ReplyCode::kMetaValue;
    case ('H' << 8) | 'D': return ReplyCode::kMetaHit;
    case ('E' << 8) | 'N': return ReplyCode::kMetaMiss;
    case ('N' << 8) | 'F': return ReplyCode::kMetaNotFound;
    case ('N' << 8) | 'S': return ReplyCode::kMetaNotStored;
    case ('E' << 8) | 'X': return ReplyCode::kMetaExists;
    case ('M' << 8) | 'N': return ReplyCode::kMetaNoop;
    case ('O' << 8) | 'K': return line.size() == 2 ? ReplyCode::kOk : ReplyCode::kOther;
    default: return ReplyCode::kOther;
  }
}

inline ReplyCode classic(std::string_view line) noexcept {
  switch (line[0]) {
    case 'E':
      if (is(line, "END")) return ReplyCode::kEnd;
      if (is(line, "EXISTS")) return ReplyCode::kExists;
      if (is(line, "ERROR") || starts(line, "ERROR ")) return ReplyCode::kError;
      break;
    case 'S':
      if (is(line, "STORED")) return ReplyCode::kStored;
      if (starts(line, "SERVER_ERROR")) return ReplyCode::kServerError;
      break;
    case 'N':
      if (is(line, "NOT_STORED")) return ReplyCode::kNotStored;
      if (is(line, "NOT_FOUND")) return ReplyCode::kNotFound;
      break;
    case 'D':
      if (is(line, "DELETED")) return ReplyCode::kDeleted;
      break;
    case 'T':
      if (is(line, "TOUCHED")) return ReplyCode::kTouched;
      break;
    case 'C':
      if (starts(line, "CLIENT_ERROR")) return ReplyCode::kClientError;
      break;
    default: break;
  }
  return ReplyCode::kOther;
}

// parse_reply_line's body, inlined into the reader (the helpers here are `inline` for the
// same reason: the load generator reads every reply through them, and its cost per reply
// must not grow).
inline bool parse_line(std::string_view line, ReplyHead& head) noexcept {
  head.text = line;
  head.code = ReplyCode::kOther;
  if (line.empty()) return true;
  if (starts(line, "VALUE ")) return parse_value(line.substr(6), head);
  if (line[0] >= '0' && line[0] <= '9') {
    if (parse_integer(line, head.number)) head.code = ReplyCode::kNumber;
    return true;
  }
  if (line.size() == 2 || (line.size() > 2 && line[2] == ' ')) {
    head.code = two_letters(line);
    if (head.code == ReplyCode::kOk || head.code == ReplyCode::kOther) return true;
    head.meta_flags = line.size() > 2 ? line.substr(3) : std::string_view{};
    if (head.code != ReplyCode::kMetaValue) return true;
    // VA <bytes> <flags>*
    std::string_view rest = head.meta_flags;
    if (!parse_integer(next_token(rest), head.value_bytes)) return false;
    head.meta_flags = rest;
    return head.value_bytes <= TextReplyReader::kMaxValueBytes;
  }
  head.code = classic(line);
  return true;
}

}  // namespace

bool parse_reply_line(std::string_view line, ReplyHead& head) noexcept { return parse_line(line, head); }

inline TextReplyReader::Event TextReplyReader::read_line(std::string_view data, std::size_t& consumed,
                                                         ReplyHead& head) noexcept {
  const void* lf = std::memchr(data.data(), '\n', data.size());
  if (lf == nullptr) return data.size() > kMaxLine ? malformed("a reply line without an end") : Event::kNeedMore;
  const std::size_t length = static_cast<std::size_t>(static_cast<const char*>(lf) - data.data()) + 1;
  if (length < 2 || data[length - 2] != '\r') return malformed("a reply line not ended by \\r\\n");
  if (!parse_line(data.substr(0, length - 2), head)) {
    return malformed(head.code == ReplyCode::kValue ? "a malformed VALUE line" : "a malformed VA line");
  }
  consumed = length;
  if (head.has_value()) block_remaining_ = head.value_bytes + 2;
  return Event::kHead;
}

TextReplyReader::Event TextReplyReader::read_block(std::string_view data, std::size_t& consumed,
                                                   std::string_view& block) noexcept {
  const std::uint64_t length = block_remaining_;  // the value's bytes, then "\r\n"
  if (data.size() < length) return Event::kNeedMore;
  if (data[length - 2] != '\r' || data[length - 1] != '\n') return malformed("a data block not followed by \\r\\n");
  block = data.substr(0, length - 2);
  block_remaining_ = 0;
  consumed = length;
  return Event::kBlock;
}

inline TextReplyReader::Event TextReplyReader::skip_block(std::string_view data, std::size_t& consumed) noexcept {
  const std::uint64_t remaining = block_remaining_;  // of the value's bytes, then "\r\n"
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining, data.size()));
  // The block's last two bytes must be \r\n: check those that are in this piece.
  for (std::uint64_t r = std::min<std::uint64_t>(remaining, 2); r > remaining - take; --r) {
    if (data[remaining - r] != (r == 2 ? '\r' : '\n')) return malformed("a data block not followed by \\r\\n");
  }
  block_remaining_ = remaining - take;
  consumed = take;
  return block_remaining_ == 0 ? Event::kBlock : Event::kNeedMore;
}

TextReplyReader::Event TextReplyReader::read(std::string_view data, std::size_t& consumed, ReplyHead& head,
                                             std::string_view& block) noexcept {
  consumed = 0;
  if (block_remaining_ == 0) return read_line(data, consumed, head);
  if (blocks_ == Blocks::kWhole) return read_block(data, consumed, block);
  if (const Event skipped = skip_block(data, consumed); skipped != Event::kBlock) return skipped;
  std::size_t line = 0;
  const Event event = read_line(data.substr(consumed), line, head);
  consumed += line;
  return event;
}

}  // namespace client
