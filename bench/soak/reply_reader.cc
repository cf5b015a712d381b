#include "reply_reader.h"

#include <charconv>

namespace soak {
namespace {

bool number(std::string_view text, std::uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// The next "\r\n"-ended line at `at`: false when it has not all arrived (or is malformed,
// which `reply.error` then says).
bool next_line(std::string_view received, std::size_t at, std::string_view& line, std::size_t& after, Reply& reply) {
  const std::size_t newline = received.find('\n', at);
  if (newline == std::string_view::npos) {
    if (received.size() - at > kMaxReplyLine) reply.error = "a reply line without an end";
    return false;
  }
  if (newline == at || received[newline - 1] != '\r') {
    reply.error = "a reply line not ended by \\r\\n";
    return false;
  }
  line = received.substr(at, newline - 1 - at);
  after = newline + 1;
  return true;
}

// A data block of `length` bytes and its "\r\n" at `at`.
bool block(std::string_view received, std::size_t at, std::uint64_t length, std::string_view& data,
           std::size_t& after, Reply& reply) {
  if (received.size() - at < length + 2) return false;
  if (received.compare(at + length, 2, "\r\n") != 0) {
    reply.error = "a data block not followed by \\r\\n";
    return false;
  }
  data = received.substr(at, length);
  after = at + length + 2;
  return true;
}

Reply finish(Reply reply) {
  if (!reply.error.empty()) {
    reply.status = Reply::Status::kMalformed;
    reply.values.clear();
  }
  return reply;
}

}  // namespace

Reply read_reply(ReplyKind kind, std::string_view received) {
  Reply reply;
  std::size_t at = 0;
  std::string_view line;
  std::size_t after = 0;
  while (true) {
    if (!next_line(received, at, line, after, reply)) return finish(std::move(reply));
    const bool value_line = kind == ReplyKind::kRetrieve && line.starts_with("VALUE ");
    const bool va_line = kind == ReplyKind::kMetaGet && line.starts_with("VA ");
    if (!value_line && !va_line) {
      // One line ends every reply but a VALUE's, and a get's VALUEs end with END.
      if (kind == ReplyKind::kRetrieve && !reply.values.empty() && line != "END") {
        reply.error = "a get's VALUEs not ended by END: " + std::string(line.substr(0, 80));
        return finish(std::move(reply));
      }
      reply.line = line;
      reply.consumed = after;
      reply.status = Reply::Status::kDone;
      return reply;
    }
    ReceivedValue value;
    std::uint64_t length = 0;
    std::uint64_t flags = 0;
    if (value_line) {
      // VALUE <key> <flags> <bytes> [<cas>]
      std::string_view f[5];
      std::size_t count = 0;
      std::string_view rest = line;
      while (!rest.empty() && count < 5) {
        const std::size_t space = rest.find(' ');
        f[count++] = rest.substr(0, space);
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      }
      if (!rest.empty() || count < 4 || !number(f[2], flags) || flags > UINT32_MAX || !number(f[3], length) ||
          (count == 5 && !number(f[4], value.cas))) {
        reply.error = "a malformed VALUE line: " + std::string(line.substr(0, 80));
        return finish(std::move(reply));
      }
      value.key = f[1];
    } else {
      // VA <length> f<flags>
      const std::string_view rest = line.substr(3);
      const std::size_t space = rest.find(' ');
      const std::string_view flag = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      if (!number(rest.substr(0, space), length) || !flag.starts_with('f') || !number(flag.substr(1), flags) ||
          flags > UINT32_MAX) {
        reply.error = "a malformed VA line: " + std::string(line.substr(0, 80));
        return finish(std::move(reply));
      }
    }
    value.flags = static_cast<std::uint32_t>(flags);
    if (!block(received, after, length, value.data, after, reply)) return finish(std::move(reply));
    reply.values.push_back(value);
    if (va_line) {
      reply.line = line;
      reply.consumed = after;
      reply.status = Reply::Status::kDone;
      return reply;
    }
    at = after;
  }
}

}  // namespace soak
