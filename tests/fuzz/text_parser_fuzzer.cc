// Fuzz target: the classic text protocol's parser (protocol/text_parser.h,
// protocol/tokenizer.h, protocol/classic_requests.h, protocol/numbers.h). The input is a
// stream of bytes from a client. It is framed into lines twice, once whole and once in
// pieces (the framer is incremental: each call gets the same bytes again with more after
// them), and both must find the same lines. Each line is tokenized and parsed as the
// session would, and the results must hold together: tokens inside the line, in order,
// without spaces; a request that parsed without error names a key that fits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "protocol/classic_requests.h"
#include "protocol/numbers.h"
#include "protocol/text_parser.h"
#include "protocol/tokenizer.h"

namespace {

using namespace memstripe::protocol;

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// `limit`: the most tokens asked for; the rest of the line stays in `rest`.
void check_tokens(const Tokens& t, std::string_view line, std::size_t limit = Tokens::kMaxTokens) {
  FUZZ_CHECK(t.count <= Tokens::kMaxTokens);
  const char* after_previous = line.data();
  for (std::size_t i = 0; i < t.count; ++i) {
    const std::string_view token = t.items[i];
    FUZZ_CHECK(!token.empty());
    FUZZ_CHECK(inside(token, line));
    FUZZ_CHECK(token.find(' ') == std::string_view::npos);
    FUZZ_CHECK(token.data() >= after_previous);
    after_previous = token.data() + token.size();
  }
  FUZZ_CHECK(t.rest.empty() || t.count == limit, "%zu tokens (limit %zu), rest '%.*s' of line '%.*s'", t.count, limit,
             static_cast<int>(t.rest.size()), t.rest.data(), static_cast<int>(line.size()), line.data());
  FUZZ_CHECK(t.rest.empty() || inside(t.rest, line));
  FUZZ_CHECK(t[t.count].empty());
}

void check_numbers(std::string_view token) {
  std::uint32_t u32 = 0;
  std::int32_t i32 = 0;
  std::uint64_t u64 = 0;
  double d = 0;
  safe_strtoul(token, u32);
  safe_strtol(token, i32);
  safe_strtoull(token, u64);
  safe_strtod(token, d);
}

void check_key(std::string_view key, std::string_view error, std::string_view line) {
  if (!error.empty()) return;
  FUZZ_CHECK(key_fits(key));
  FUZZ_CHECK(inside(key, line));
}

void check_line(std::string_view line) {
  FUZZ_CHECK(line.find('\n') == std::string_view::npos);
  FUZZ_CHECK(line.find('\0') == std::string_view::npos);

  const Tokens all = tokenize(line);
  check_tokens(all, line);
  // Taking a few tokens and then the rest gives the same tokens as taking them all.
  Tokens in_two = tokenize(line, 3);
  check_tokens(in_two, line, 3);
  tokenize_rest(in_two);
  FUZZ_CHECK(in_two.count == all.count);
  for (std::size_t i = 0; i < all.count; ++i) FUZZ_CHECK(in_two.items[i] == all.items[i]);
  for (std::size_t i = 0; i < all.count && i < 8; ++i) check_numbers(all.items[i]);

  const Command command = parse_command(line, ParseOptions{.debug_commands = true});
  FUZZ_CHECK(command.line == line);
  FUZZ_CHECK(parse_command(line, ParseOptions{.debug_commands = true}).code == command.code);
  const Tokens& t = command.tokens;
  // A line whose name starts with 'g' (a multi-get reads its keys from the line) keeps only
  // its first three tokens; any other (bget included) all that memcached takes.
  check_tokens(t, line, t.count == Tokens::kMaxTokens ? Tokens::kMaxTokens : 3);
  switch (command.code) {
    case CommandCode::kSet:
    case CommandCode::kAdd:
    case CommandCode::kReplace:
    case CommandCode::kAppend:
    case CommandCode::kPrepend:
    case CommandCode::kCas: {
      const StorageArgs r = parse_storage_request(t, command.code == CommandCode::kCas);
      check_key(r.key, r.error, line);
      break;
    }
    case CommandCode::kGet:
    case CommandCode::kGets:
    case CommandCode::kGat:
    case CommandCode::kGats: {
      const bool touch = command.code == CommandCode::kGat || command.code == CommandCode::kGats;
      const RetrievalArgs r = parse_retrieval_request(t, line, touch);
      if (!r.error.empty()) break;
      FUZZ_CHECK(r.keys.empty() || inside(r.keys, line));
      const bool fit = keys_fit(r.keys);
      WordCursor cursor(r.keys);
      std::string_view key;
      std::size_t count = 0;
      bool all_fit = true;
      while (cursor.next(key)) {
        FUZZ_CHECK(!key.empty() && key.find(' ') == std::string_view::npos && inside(key, line));
        all_fit = all_fit && key_fits(key);
        FUZZ_CHECK(++count <= line.size());
      }
      FUZZ_CHECK(fit == all_fit);
      break;
    }
    case CommandCode::kDelete: {
      const DeleteArgs r = parse_delete_request(t);
      check_key(r.key, r.error, line);
      break;
    }
    case CommandCode::kIncr:
    case CommandCode::kDecr: {
      const ArithmeticArgs r = parse_arithmetic_request(t);
      check_key(r.key, r.error, line);
      break;
    }
    case CommandCode::kTouch: {
      const TouchArgs r = parse_touch_request(t);
      check_key(r.key, r.error, line);
      break;
    }
    case CommandCode::kFlushAll: parse_flush_request(t); break;
    case CommandCode::kVerbosity: parse_verbosity_request(t); break;
    case CommandCode::kCacheMemlimit: parse_memlimit_request(t); break;
    default: break;
  }
}

struct Framed {
  std::vector<std::string> lines;
  std::vector<std::size_t> ends;  // offset in the input after each line's newline
  FrameStatus last = FrameStatus::kNeedMore;
  std::size_t last_end = 0;  // where framing stopped
};

// Frames `input` as the session does, the bytes arriving in pieces of `piece` bytes (0:
// all at once). Checks each frame against the bytes it came from.
Framed frame_all(std::string_view input, std::size_t piece) {
  Framed result;
  LineFramer framer;
  std::size_t begin = 0;                           // first byte not yet consumed
  std::size_t available = piece == 0 ? input.size() : 0;  // bytes that have arrived
  while (true) {
    if (piece != 0 && available < input.size()) available = std::min(input.size(), available + piece);
    const std::string_view rest = input.substr(begin, available - begin);
    if (rest.empty()) break;
    const Frame frame = framer.next(rest);
    if (frame.status == FrameStatus::kNeedMore) {
      FUZZ_CHECK(framer.mid_line());
      FUZZ_CHECK(rest.find('\n') == std::string_view::npos);
      if (available == input.size()) break;
      continue;
    }
    if (frame.status == FrameStatus::kClose) {
      FUZZ_CHECK(!frame.close_reason.empty());
      // A line too long, whether its newline has come or not.
      const std::size_t newline = rest.find('\n');
      FUZZ_CHECK((newline == std::string_view::npos ? rest.size() : newline) > LineFramer::kMaxLine);
      result.last = FrameStatus::kClose;
      break;
    }
    FUZZ_CHECK(!framer.mid_line());
    FUZZ_CHECK(frame.consumed > 0 && frame.consumed <= rest.size());
    FUZZ_CHECK(rest[frame.consumed - 1] == '\n');
    FUZZ_CHECK(rest.substr(0, frame.consumed - 1).find('\n') == std::string_view::npos);
    FUZZ_CHECK(frame.line.data() == rest.data() && frame.line.size() < frame.consumed);
    check_line(frame.line);
    result.lines.emplace_back(frame.line);
    begin += frame.consumed;
    result.ends.push_back(begin);
  }
  result.last_end = begin;
  return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Framed whole = frame_all(input, 0);
  // The piece size comes from the input, so that every size gets tried.
  const std::size_t piece = 1 + (size == 0 ? 0 : data[size - 1] % 97);
  const Framed pieces = frame_all(input, piece);
  // Where the bytes were split never matters: a long line is refused the same seen whole or
  // in part.
  FUZZ_CHECK(whole.lines == pieces.lines);
  FUZZ_CHECK(whole.ends == pieces.ends);
  FUZZ_CHECK(whole.last == pieces.last);
  return 0;
}
