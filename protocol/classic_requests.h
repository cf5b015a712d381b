// The arguments of the classic commands, read from their tokens with memcached 1.6.18's
// rules and in its order of checks, so that a bad line gets the error memcached gives.
// `error` is the reply for a bad request (empty when it is good); `noreply` is memcached's
// set_noreply_maybe(): the last token is "noreply", which also hides error replies.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/tokenizer.h"

namespace memstripe::protocol {

bool has_noreply(const Tokens& tokens) noexcept;
// memcached's one key check, shared by every command that names a key (meta ones too):
// at most 250 bytes, any bytes but the separators.
bool key_fits(std::string_view key) noexcept;

// set/add/replace/append/prepend <key> <flags> <exptime> <bytes> [noreply]
// cas <key> <flags> <exptime> <bytes> <cas unique> [noreply]
struct StorageArgs {
  std::string_view key;
  std::uint32_t flags = 0;
  std::int32_t exptime = 0;
  std::uint32_t length = 0;  // of the data block, without its "\r\n"
  std::uint64_t cas = 0;
  bool noreply = false;
  std::string_view error;
};
StorageArgs parse_storage_request(const Tokens& tokens, bool with_cas) noexcept;

// get/gets <key>*, gat/gats <exptime> <key>*
struct RetrievalArgs {
  std::int32_t exptime = 0;
  std::string_view keys;  // from the first key to the end of the line
  std::string_view error;
};
RetrievalArgs parse_retrieval_request(const Tokens& tokens, std::string_view line, bool touch) noexcept;
// memcached refuses a whole multi-get when one of its keys is longer than 250 bytes.
bool keys_fit(std::string_view keys) noexcept;

// delete <key> [0] [noreply]
struct DeleteArgs {
  std::string_view key;
  bool noreply = false;
  std::string_view error;
};
DeleteArgs parse_delete_request(const Tokens& tokens) noexcept;

// incr/decr <key> <delta> [noreply]
struct ArithmeticArgs {
  std::string_view key;
  std::uint64_t delta = 0;
  bool noreply = false;
  std::string_view error;
};
ArithmeticArgs parse_arithmetic_request(const Tokens& tokens) noexcept;

// touch <key> <exptime> [noreply]
struct TouchArgs {
  std::string_view key;
  std::int32_t exptime = 0;
  bool noreply = false;
  std::string_view error;
};
TouchArgs parse_touch_request(const Tokens& tokens) noexcept;

// flush_all [delay] [noreply]
struct FlushArgs {
  std::int32_t delay = 0;
  bool noreply = false;
  std::string_view error;
};
FlushArgs parse_flush_request(const Tokens& tokens) noexcept;

// verbosity <level> [noreply]
struct VerbosityArgs {
  std::uint32_t level = 0;
  bool noreply = false;
  std::string_view error;
};
VerbosityArgs parse_verbosity_request(const Tokens& tokens) noexcept;

// cache_memlimit <megabytes> [noreply]
struct MemlimitArgs {
  std::uint32_t megabytes = 0;
  bool noreply = false;
  std::string_view error;
};
MemlimitArgs parse_memlimit_request(const Tokens& tokens) noexcept;

}  // namespace memstripe::protocol
