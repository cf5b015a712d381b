// Reads memcached's binary responses from bytes as they arrive: a response may be split
// anywhere. Pure code, no sockets, nothing allocated or copied: heads and blocks are views
// into the caller's bytes. Like TextReplyReader it knows the wire format, not what was
// asked: whether a response is the one for the request (opcode, opaque, key) is the
// caller's to check, against ReplyHead's codes and the binary fields it sets.
//
// A response that carries an item (status 0 to a get, getk, gat ...) is a head (flags from
// its 4 bytes of extras, its key when one came back) and then its value as a block. Any
// other response (a set's, a noop's, an error with its message) is read whole, as one
// head, once all of it is in: its body is short, and `text` holds it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "client/binary_protocol.h"
#include "client/reply_head.h"

namespace client {

class BinaryReplyReader {
 public:
  enum class Event : std::uint8_t {
    kNeedMore,   // nothing more can be read until more bytes come
    kHead,       // a response header: `head` holds it; in_block() says whether a value follows
    kBlock,      // a value is over: (kWhole) `block` holds all of it; `head` is left as it was
    kMalformed,  // not a binary response: the stream is lost (error() says why)
  };
  // What becomes of a value. kWhole: it is handed out in one piece once all of it is in
  // `data` (the caller's buffer must hold the largest). kSkipped: its bytes are passed over
  // as they arrive, from the read that returns the head on; kBlock says when it is over
  // (no block is handed out), and a value that came whole with its head costs no event.
  enum class Blocks : std::uint8_t { kWhole, kSkipped };

  // memcached's longest key: a longer one answers nothing these clients send.
  static constexpr std::size_t kMaxKey = 250;
  // The longest body of a response without an item (error messages, a version, a stat).
  static constexpr std::size_t kMaxMessage = 2048;
  // The most bytes a head needs in `data` at once (an item's head is shorter).
  static constexpr std::size_t kMaxHead = binary::kHeaderSize + kMaxMessage;
  static_assert(binary::kHeaderSize + 4 + kMaxKey <= kMaxHead);
  // No value is longer (memcached's largest item is 1 GiB); a longer length is garbage.
  static constexpr std::uint64_t kMaxValueBytes = std::uint64_t{1} << 32;

  explicit BinaryReplyReader(Blocks blocks) noexcept : blocks_(blocks) {}

  // Reads the next response head, or the value after one, from the front of `data`;
  // `consumed` is set to the bytes it used, whatever the event: the caller drops those
  // and calls again.
  Event read(std::string_view data, std::size_t& consumed, ReplyHead& head, std::string_view& block) noexcept;

  // Between an item's head and the end of its value.
  bool in_block() const noexcept { return in_block_; }
  // Why the stream was malformed.
  std::string_view error() const noexcept { return error_; }

 private:
  Event read_head(std::string_view data, std::size_t& consumed, ReplyHead& head) noexcept;
  // Passes over what of a value is in `data`; returns the bytes it took.
  std::size_t skip(std::string_view data) noexcept;
  Event malformed(const char* why) noexcept {
    error_ = why;
    return Event::kMalformed;
  }

  Blocks blocks_;
  bool in_block_ = false;
  std::uint64_t block_remaining_ = 0;
  const char* error_ = "";
};

// The code a binary response means: status 0 by what it answers (kStored to a set,
// kMetaNoop to a noop ...), an error by its kind (kNotFound, kExists, kNotStored; kError
// for an unknown command; kClientError for bad input; kServerError where the text protocol
// says SERVER_ERROR: too large, out of memory, busy ...); kOther for what has no text
// counterpart.
ReplyCode binary_reply_code(std::uint8_t opcode, std::uint16_t status) noexcept;

}  // namespace client
