// Reads memcached's text replies, classic (VALUE/END/STORED ...) and meta (VA/HD/EN ...),
// from bytes as they arrive: a reply may be split anywhere. Pure code, no sockets, nothing
// allocated or copied: heads and blocks are views into the caller's bytes. It knows the
// wire format, not what was asked: whether a reply is the right one for the request is the
// caller's to check (loadgen/reply_parser.h, soak/reply.h), against ReplyHead's codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/reply_head.h"

namespace client {

class TextReplyReader {
 public:
  enum class Event : std::uint8_t {
    kNeedMore,   // nothing more can be read until more bytes come
    kHead,       // a line: `head` holds it; after kValue and kMetaValue its block follows
    kBlock,      // (kWhole) a whole value block, without its "\r\n"; `head` is left as it was
    kMalformed,  // not a text reply: the stream is lost (error() says why)
  };
  // What becomes of a value's block. kWhole: it is handed out in one piece, once all of it
  // and its "\r\n" are in `data` (for a caller that checks values: its buffer must hold
  // the largest). kSkipped: its bytes are passed over as they arrive, only its "\r\n"
  // checked, and the next read goes on to the line after it (for a caller that only counts
  // values: nothing needs buffering, and a value costs no event of its own).
  enum class Blocks : std::uint8_t { kWhole, kSkipped };

  // A reply line longer than this answers nothing these clients send (keys are at most 250
  // bytes, meta flags few).
  static constexpr std::size_t kMaxLine = 2048;
  // No value is longer (memcached's largest item is 1 GiB); a longer length is garbage.
  static constexpr std::uint64_t kMaxValueBytes = std::uint64_t{1} << 32;

  explicit TextReplyReader(Blocks blocks) noexcept : blocks_(blocks) {}

  // Reads the next line, or (kWhole) the value block, from the front of `data`; `consumed`
  // is set to the bytes it used, whatever the event (kSkipped passes over a block's bytes
  // as they come, and answers kNeedMore meanwhile): the caller drops those and calls again.
  Event read(std::string_view data, std::size_t& consumed, ReplyHead& head, std::string_view& block) noexcept;

  // Inside a value block (the bytes of it and of its "\r\n" still to come).
  bool in_block() const noexcept { return block_remaining_ > 0; }
  // Why the stream was malformed.
  std::string_view error() const noexcept { return error_; }

 private:
  Event read_line(std::string_view data, std::size_t& consumed, ReplyHead& head) noexcept;
  Event read_block(std::string_view data, std::size_t& consumed, std::string_view& block) noexcept;
  // kBlock once the block is over, else kNeedMore (or kMalformed).
  Event skip_block(std::string_view data, std::size_t& consumed) noexcept;
  Event malformed(const char* why) noexcept {
    error_ = why;
    return Event::kMalformed;
  }

  Blocks blocks_;
  std::uint64_t block_remaining_ = 0;
  const char* error_ = "";
};

// Reads one reply line (without "\r\n") into `head`; false when it is a VALUE or VA line
// whose fields are not what they must be.
bool parse_reply_line(std::string_view line, ReplyHead& head) noexcept;

}  // namespace client
