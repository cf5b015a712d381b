#include "protocol/text_parser.h"

#include <cstring>

namespace memstripe::protocol {
namespace {

constexpr std::string_view kHttpVersionPrefix = "HTTP/";

// memcached only lets a command line grow past kMaxLine when it is a multi-get, the one
// command whose length a client does not control by design.
bool may_be_this_long(std::string_view line) noexcept {
  std::size_t spaces = 0;
  while (spaces < line.size() && line[spaces] == ' ') ++spaces;
  if (spaces > LineFramer::kMaxLeadingSpaces) return false;
  const std::string_view rest = line.substr(spaces);
  if (!rest.starts_with("get ") && !rest.starts_with("gets ")) return false;
  return line.size() <= LineFramer::kMaxGetLine;
}

std::string_view too_long(std::string_view line) noexcept {
  return line.size() > LineFramer::kMaxGetLine ? "a multi-get line longer than 1 MiB"
                                               : "a command line longer than 2048 bytes";
}

}  // namespace

Frame LineFramer::next(std::string_view input) noexcept {
  Frame frame;
  if (scanned_ > input.size()) scanned_ = 0;
  const auto* newline = static_cast<const char*>(
      std::memchr(input.data() + scanned_, '\n', input.size() - scanned_));
  if (newline == nullptr) {
    scanned_ = input.size();
    // A last '\r' may belong to the "\r\n" still to come: it does not count yet.
    std::string_view line = input;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLine && !may_be_this_long(line)) {
      scanned_ = 0;
      frame.status = FrameStatus::kClose;
      frame.close_reason = too_long(line);
    }
    return frame;
  }
  scanned_ = 0;
  std::size_t length = static_cast<std::size_t>(newline - input.data());
  frame.consumed = length + 1;
  // memcached strips the '\r' only when something precedes it: "\r\n" alone is the line "\r".
  if (length > 1 && input[length - 1] == '\r') --length;
  std::string_view line = input.substr(0, length);
  if (line.size() > kMaxLine && !may_be_this_long(line)) {
    frame.status = FrameStatus::kClose;
    frame.close_reason = too_long(line);
    frame.consumed = 0;
    return frame;
  }
  if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
    line = line.substr(0, static_cast<std::size_t>(static_cast<const char*>(nul) - line.data()));
  }
  frame.status = FrameStatus::kLine;
  frame.line = line;
  return frame;
}

Command parse_command(std::string_view line, const ParseOptions& options) noexcept {
  Command command;
  command.line = line;
  // A multi-get reads its keys from the line itself: its first tokens are all it needs.
  constexpr std::size_t kRetrievalTokens = 3;
  command.tokens = tokenize(line, kRetrievalTokens);
  Tokens& t = command.tokens;
  CommandCode& code = command.code;  // kError until proven otherwise
  // "All commands need a minimum of two tokens... no valid commands shorter than two bytes."
  if (t.count == 0 || t[0].size() < 2) return command;

  const std::string_view name = t[0];
  if (name[0] == 'g') {
    if (t.count < 2) return command;  // memcached: at least one token after the name
    if (name == "get") code = CommandCode::kGet;
    else if (name == "gets") code = CommandCode::kGets;
    else if (name == "gat") code = CommandCode::kGat;
    else if (name == "gats") code = CommandCode::kGats;
    return command;
  }
  tokenize_rest(t);
  const std::size_t ntokens = t.ntokens();
  const auto either = [ntokens](std::size_t a, std::size_t b) { return ntokens == a || ntokens == b; };
  const auto pick = [&code](bool ok, CommandCode c) { code = ok ? c : CommandCode::kError; };

  // memcached branches on the first letter; inside a branch an unknown name is a plain
  // ERROR, never an HTTP close. Only names outside these branches reach the last check.
  switch (name[0]) {
    case 'm':
      if (name.size() != 2) break;
      switch (name[1]) {
        case 'g': code = CommandCode::kMetaGet; break;
        case 's': code = CommandCode::kMetaSet; break;
        case 'd': code = CommandCode::kMetaDelete; break;
        case 'a': code = CommandCode::kMetaArithmetic; break;
        case 'n': code = CommandCode::kMetaNoop; break;
        case 'e': code = CommandCode::kMetaDebug; break;
        default: break;
      }
      return command;
    case 's':
      if (name == "set") pick(either(6, 7), CommandCode::kSet);
      else if (name == "stats") code = CommandCode::kStats;
      else if (name == "shutdown") code = CommandCode::kShutdown;
      else if (name == "slabs") code = CommandCode::kSlabs;
      return command;
    case 'a':
      if (name == "add") pick(either(6, 7), CommandCode::kAdd);
      else if (name == "append") pick(either(6, 7), CommandCode::kAppend);
      return command;
    case 'c':
      if (name == "cas") pick(either(7, 8), CommandCode::kCas);
      else if (name == "cache_memlimit") pick(either(3, 4), CommandCode::kCacheMemlimit);
      return command;
    case 'i':
      if (name == "incr") pick(either(4, 5), CommandCode::kIncr);
      return command;
    case 'd':
      if (name == "delete") pick(ntokens >= 3 && ntokens <= 5, CommandCode::kDelete);
      else if (name == "decr") pick(either(4, 5), CommandCode::kDecr);
      else if (options.debug_commands && name == "debug_advance_clock") pick(ntokens == 3, CommandCode::kDebugAdvanceClock);
      return command;
    case 't':
      if (name == "touch") pick(either(4, 5), CommandCode::kTouch);
      return command;
    default:
      break;
  }

  if (name == "replace") pick(either(6, 7), CommandCode::kReplace);
  else if (name == "prepend") pick(either(6, 7), CommandCode::kPrepend);
  else if (name == "bget") pick(ntokens >= 3, CommandCode::kGet);
  else if (name == "flush_all") pick(ntokens >= 2 && ntokens <= 4, CommandCode::kFlushAll);
  else if (name == "version") code = CommandCode::kVersion;
  else if (name == "quit") code = CommandCode::kQuit;
  else if (name == "lru_crawler") code = CommandCode::kLruCrawler;
  else if (name == "watch") code = CommandCode::kWatch;
  else if (name == "verbosity") pick(either(3, 4), CommandCode::kVerbosity);
  else if (name == "lru") pick(ntokens >= 3, CommandCode::kLru);
  else if (name == "refresh_certs") code = CommandCode::kRefreshCerts;
  else if (t.last().starts_with(kHttpVersionPrefix)) code = CommandCode::kHttp;
  return command;
}

bool is_meta_command(CommandCode code) noexcept {
  return code >= CommandCode::kMetaGet && code <= CommandCode::kMetaDebug;
}

}  // namespace memstripe::protocol
