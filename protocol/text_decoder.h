// The text protocol's decoder (classic and meta commands, which share the framing and the
// tokenizer): bytes in, requests out. Pure code over the bytes that arrived; it executes
// nothing. Each call to decode() gives one of Asio's request_parser answers — a complete
// request, need more bytes, or a protocol error that closes the connection — plus the
// steps of a store: a store's header asks the caller for an item, whose value the decoder
// then reads straight from the input (or the caller reads it from the socket into
// value_sink()), and hands back once its "\r\n" is in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/decode_result.h"
#include "protocol/meta_parser.h"
#include "protocol/pending_value.h"
#include "protocol/sasl.h"
#include "protocol/text_parser.h"
#include "protocol/text_request.h"
#include "storage/item.h"

namespace memstripe::protocol {

class TextDecoder {
 public:
  explicit TextDecoder(const ParseOptions& options) noexcept : options_(options) {}

  // Decodes from the start of `input` (what the last call left unconsumed, and what came
  // after it). A meta line is parsed into `meta`, which `request.meta` then points to.
  // Before a connection under -Y has authenticated (`auth`), every line but the token's
  // `set` is answered "unauthenticated", as memcached answers it.
  DecodeResult decode(std::string_view input, TextRequest& request, MetaRequest& meta, const AuthState& auth);

  // The longest authentication token (its `set`'s value) waited for; a longer one closes
  // the connection (memcached waits for it without a bound).
  static constexpr std::size_t kMaxAuthToken = 4096;

  // After kValueExpected: the value goes into `item` (allocated for the announced length);
  // or, when it was refused, the value and its "\r\n" are skipped.
  void accept_value(storage::NewItem&& item) noexcept;
  void refuse_value() noexcept;
  // After kValueComplete: the item, and what its reply needs. The next decode() drops it.
  PendingValue& pending_value() noexcept { return pending_; }
  const PendingStoreReply& pending_reply() const noexcept { return pending_reply_; }

  // While a value is arriving, the part of it still missing: the caller may read the
  // socket straight into it and report with value_received().
  std::span<char> value_sink() noexcept;
  void value_received(std::size_t n) noexcept;

  // The next bytes start a command line (so a turn that has run its -R commands ends here).
  bool at_command_line() const noexcept { return phase_ == Phase::kCommandLine; }
  // The bytes kept by the caller are the start of an unfinished command, or a value is
  // expected.
  bool mid_command() const noexcept { return phase_ != Phase::kCommandLine || framer_.mid_line(); }
  std::string_view close_reason() const noexcept { return close_reason_; }

 private:
  enum class Phase : std::uint8_t { kCommandLine, kValue, kSkip };

  DecodeResult read_token(std::string_view input, TextRequest& request);
  DecodeResult read_value(std::string_view input);
  DecodeResult skip(std::string_view input);

  const ParseOptions options_;
  LineFramer framer_;
  Phase phase_ = Phase::kCommandLine;
  std::uint32_t announced_length_ = 0;  // of the value after kValueExpected
  std::uint64_t skip_left_ = 0;
  PendingValue pending_;
  PendingStoreReply pending_reply_;
  std::size_t filled_ = 0;  // value bytes written so far
  // memcached reads exactly length + 2 bytes and only then looks at the last two.
  char trailer_[2] = {0, 0};
  std::uint8_t trailer_seen_ = 0;
  std::string_view close_reason_;
};

}  // namespace memstripe::protocol
