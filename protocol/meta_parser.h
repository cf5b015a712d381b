// The meta protocol's command lines (mg ms md ma me; mn takes nothing), read as memcached
// 1.6.18 reads them (proto_text.c: _meta_flag_preparse() and the process_m*_command()
// functions) and in its order of checks, so that a bad line gets the error memcached gives.
// Pure code over the tokens of one line: no cache, no output, no allocation.
//
// Flags are single characters, some with a token after them ("T30", "Oabc"). memcached
// tells flags apart by their first byte only: "k" and "kxyz" are the same flag, a second
// one is a duplicate. The reply echoes flags in the order the request gave them, and some
// effects depend on that order ("t T30" prints the TTL before the touch, "T30 t" after), so
// the flag tokens are kept in order.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/tokenizer.h"
#include "storage/cache.h"

namespace memstripe::protocol {

// memcached's MFLAG_MAX_OPT_LENGTH: a meta line of more tokens than this (its terminal
// token counted, as memcached's ntokens does) is refused before its flags are read.
inline constexpr std::size_t kMaxMetaTokens = 20;
// memcached's MFLAG_MAX_OPAQUE_LENGTH, counted over the whole token, the 'O' included.
inline constexpr std::size_t kMaxOpaqueLength = 32;

enum class MetaCommand : std::uint8_t { kGet, kSet, kDelete, kArithmetic };

class MetaFlags {
 public:
  // The most flag tokens a line can hold within kMaxMetaTokens (mg and the others: the
  // command and the key come first; ms's length takes one more).
  static constexpr std::size_t kMaxFlags = kMaxMetaTokens - 3;
  static constexpr std::size_t kAbsent = 0xFF;

  bool has(char flag) const noexcept { return position(flag) != kAbsent; }
  // The flag's index among the flag tokens, kAbsent when it was not given.
  std::size_t position(char flag) const noexcept {
    const auto c = static_cast<unsigned char>(flag);
    return c < kFlagBytes && slot_[c] != 0 ? slot_[c] - 1u : kAbsent;
  }
  // Both given, `first` ahead of `second`.
  bool before(char first, char second) const noexcept {
    return has(first) && has(second) && position(first) < position(second);
  }
  std::size_t size() const noexcept { return count_; }
  // As if no flag had been read (a reused request).
  void clear() noexcept;
  // The whole token: its first byte is the flag.
  std::string_view operator[](std::size_t i) const noexcept { return tokens_[i]; }

  // Arguments, read as memcached reads them (exptimes through safe_strtol, so truncated to
  // 32 bits); meaningful only when their flag was given.
  std::int32_t ttl = 0;           // T
  std::int32_t vivify_ttl = 0;    // N
  std::int32_t recache_ttl = 0;   // R
  std::uint32_t client_flags = 0;  // F (ms)
  std::uint64_t compare_cas = 0;  // C
  std::uint64_t delta = 1;        // D (ma)
  std::uint64_t initial = 0;      // J (ma)
  char mode = 0;                  // M: the byte after the 'M'
  std::string_view opaque;        // O: the whole token, echoed as it came

 private:
  friend struct FlagReader;
  // memcached keeps a seen-table of the bytes below 127; any byte from 127 up is refused.
  static constexpr std::size_t kFlagBytes = 127;

  std::array<std::string_view, kMaxFlags> tokens_;  // the first count_ are set
  std::size_t count_ = 0;
  std::array<std::uint8_t, kFlagBytes> slot_{};  // index + 1; 0: not given
};

struct MetaRequest {
  // Ready to parse another line into (one request is reused for every meta line of a read).
  void reset() noexcept;

  // The key as the cache sees it: decoded from base64 when `b` was given.
  std::string_view key() const noexcept {
    return binary_key ? std::string_view(decoded_key.data(), decoded_length) : raw_key;
  }

  std::string_view raw_key;    // as it came on the line
  bool binary_key = false;     // `b`: the key was base64 and is shown that way
  MetaFlags flags;
  // ms: the data block's length, without its "\r\n".
  std::uint32_t value_length = 0;
  // ms: the storage command M selects (kSet without M; C turns set and replace into kCas).
  storage::StoreMode store_mode = storage::StoreMode::kSet;
  // ma: M selects decrement ('D' or '-').
  bool decrement = false;

  // The reply to a bad line (errors are never hidden by `q`); empty when the line is good.
  std::string_view error;
  // ms: the error came after memcached read the data block's length, and it skips the
  // block (its "\r\n" included) instead of reading it as commands.
  bool swallow_data_block = false;

  std::array<char, storage::kMaxKeyLength> decoded_key;  // the first decoded_length are set
  std::size_t decoded_length = 0;
};

// A meta command line whose name parse_command() recognised (mg, ms, md or ma).
void parse_meta_request(MetaCommand command, const Tokens& tokens, MetaRequest& request) noexcept;

// me <key> [b]: memcached reads no flags here, only a lone "b" as the third token.
void parse_meta_debug_request(const Tokens& tokens, MetaRequest& request) noexcept;

// An O token over kMaxOpaqueLength. mg, ms and md refuse the line for it (parse_meta_request
// reports it); ma applies its change first and answers the error after, as memcached does.
bool opaque_too_long(const MetaFlags& flags) noexcept;

}  // namespace memstripe::protocol
