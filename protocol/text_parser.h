// The classic text protocol's parser: pure code over the bytes that arrived. It frames
// command lines (memcached's try_read_command_ascii) and names the command on a line with
// memcached's own dispatch rules (process_command_ascii), token-count checks included, so a
// line that memcached answers with a bare "ERROR" comes back as CommandCode::kError.
// Arguments are read by classic_requests.h. Data blocks are not framed here: the session
// reads them straight into the new item.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/tokenizer.h"

namespace memstripe::protocol {

enum class FrameStatus : std::uint8_t {
  kNeedMore,  // no complete line yet: keep the bytes and call again when more arrive
  kLine,      // `line` is a command line; `consumed` bytes (through its '\n') are done
  kClose,     // memcached drops the connection: `close_reason` says why
};

struct Frame {
  FrameStatus status = FrameStatus::kNeedMore;
  // Without its "\r\n" (or bare "\n"), and cut at the first NUL byte, as memcached's
  // strlen()-based tokenizer sees it.
  std::string_view line;
  std::size_t consumed = 0;
  std::string_view close_reason;
};

class LineFramer {
 public:
  // memcached closes a connection whose command line runs past this many bytes...
  static constexpr std::size_t kMaxLine = 2048;
  // ...unless it starts with "get " or "gets " after at most this many spaces (a long
  // multi-get). memcached lets those grow without bound; memstripe stops them here.
  static constexpr std::size_t kMaxLeadingSpaces = 100;
  static constexpr std::size_t kMaxGetLine = std::size_t{1} << 20;

  // Frames the first line of `input`. Between calls that return kNeedMore the caller must
  // pass the same bytes again, with more after them: the framer does not search again
  // what it has already searched.
  //
  // memcached applies its length rule to the bytes it has buffered while no newline has
  // come, so the same long line is served or refused depending on how it was split. Here a
  // line is judged by its own length (without its "\r\n"), before or after its newline
  // arrives, so the outcome never depends on the split (README: deviations).
  Frame next(std::string_view input) noexcept;
  // True while a call has returned kNeedMore for bytes not yet framed.
  bool mid_line() const noexcept { return scanned_ != 0; }

 private:
  std::size_t scanned_ = 0;
};

// memcached's commands, as process_command_ascii() tells them apart.
enum class CommandCode : std::uint8_t {
  kError,  // unknown, or the wrong number of tokens: memcached answers "ERROR"
  kHttp,   // an unknown command whose last token starts with "HTTP/": memcached closes
  kGet,    // get and memcached's ancient alias bget
  kGets,
  kGat,
  kGats,
  kSet,
  kAdd,
  kReplace,
  kAppend,
  kPrepend,
  kCas,
  kDelete,
  kIncr,
  kDecr,
  kTouch,
  kStats,
  kFlushAll,
  kVersion,
  kQuit,
  kVerbosity,
  kShutdown,
  kCacheMemlimit,
  kSlabs,
  kLru,
  kLruCrawler,
  kWatch,
  // The meta protocol (meta_commands.h). Other two-letter commands starting with 'm' are kError.
  kMetaGet,
  kMetaSet,
  kMetaDelete,
  kMetaArithmetic,
  kMetaNoop,
  kMetaDebug,
  kRefreshCerts,  // memcached's TLS builds
  // memstripe's test hook, only with ProtocolConfig::debug_clock.
  kDebugAdvanceClock,
};

struct Command {
  CommandCode code = CommandCode::kError;
  // For get, gets, gat and gats only the first three tokens: their keys are read from
  // `line`, without a limit.
  Tokens tokens;
  std::string_view line;
};

struct ParseOptions {
  bool debug_commands = false;  // recognise debug_advance_clock
};

Command parse_command(std::string_view line, const ParseOptions& options = {}) noexcept;

bool is_meta_command(CommandCode code) noexcept;

}  // namespace memstripe::protocol
