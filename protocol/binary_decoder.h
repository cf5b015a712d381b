// The binary protocol's decoder: 24-byte headers, extras, keys and values in, requests out,
// with memcached 1.6.18's checks of each opcode's lengths and its answers to what fails
// them (proto_bin.c: try_read_command_binary(), dispatch_bin_command()). Pure code over
// the bytes that arrived; it executes nothing. The answers of decode() are the TextDecoder's
// (decode_result.h): a store's value is read straight into the item the caller allocates.
//
// Where memcached 1.6.18 is wrong this decoder is not, and the README lists it: for an
// unknown opcode (verbosity among them) memcached skips `bodylen` bytes counted from the
// end of the key, swallowing the start of the next request; here the rest of the body is
// skipped, no more.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/binary_request.h"
#include "protocol/decode_result.h"
#include "protocol/pending_value.h"
#include "protocol/sasl.h"
#include "storage/item.h"

namespace memstripe::protocol {

class BinaryDecoder {
 public:
  // `auth`: before a connection under -S has authenticated, only VERSION and the SASL
  // requests are decoded; every other request is refused (and the connection closed).
  DecodeResult decode(std::string_view input, BinaryRequest& request, const AuthState& auth);

  // The longest SASL data a request may carry (memcached's is an item's).
  static constexpr std::size_t kMaxSaslData = 64 * 1024;
  // memcached's MAX_SASL_MECH_LEN.
  static constexpr std::size_t kMaxMechanismLength = 32;

  // After kValueExpected: the value goes into `item`, or is skipped when it was refused.
  void accept_value(storage::NewItem&& item) noexcept;
  void refuse_value() noexcept;
  PendingValue& pending_value() noexcept { return pending_; }
  const PendingBinaryReply& pending_reply() const noexcept { return pending_reply_; }

  std::span<char> value_sink() noexcept;
  void value_received(std::size_t n) noexcept;

  bool at_command_line() const noexcept { return phase_ == Phase::kHeader; }
  bool mid_command() const noexcept { return phase_ != Phase::kHeader || partial_; }
  std::string_view close_reason() const noexcept { return close_reason_; }

 private:
  enum class Phase : std::uint8_t { kHeader, kValue, kSkip };

  DecodeResult read_value(std::string_view input);
  DecodeResult skip(std::string_view input);

  Phase phase_ = Phase::kHeader;
  bool partial_ = false;  // the caller holds the start of a request
  std::uint32_t announced_length_ = 0;
  std::uint64_t skip_left_ = 0;
  std::size_t filled_ = 0;
  PendingValue pending_;
  PendingBinaryReply pending_reply_;
  std::string_view close_reason_;
};

}  // namespace memstripe::protocol
