// What one element of a server's reply says, whatever the wire format: the code, and for a
// value its key, flags, CAS and length (its bytes follow as a block). The text protocol's
// reader (text_reply_reader.h) makes these from reply lines; the binary protocol's
// (binary_reply_reader.h) makes the same from response headers (success to a get: kValue,
// to a set: kStored, to a noop: kMetaNoop; key not found: kNotFound; exists: kExists; ...),
// so what checks replies is written against these.
#pragma once

#include <cstdint>
#include <string_view>

namespace client {

enum class ReplyCode : std::uint8_t {
  // Classic replies.
  kValue,        // VALUE <key> <flags> <bytes> [<cas>]: a value block follows
  kEnd,          // END: a retrieval's values are over
  kStored,       // STORED
  kNotStored,    // NOT_STORED
  kExists,       // EXISTS
  kNotFound,     // NOT_FOUND
  kDeleted,      // DELETED
  kTouched,      // TOUCHED
  kOk,           // OK
  kNumber,       // incr/decr's new value
  kError,        // ERROR
  kClientError,  // CLIENT_ERROR <message>
  kServerError,  // SERVER_ERROR <message>
  // Meta replies: a two-letter code and its flags.
  kMetaValue,     // VA <bytes> <flags>*: a value block follows
  kMetaHit,       // HD <flags>*
  kMetaMiss,      // EN
  kMetaNotFound,  // NF <flags>*
  kMetaNotStored, // NS <flags>*
  kMetaExists,    // EX <flags>*
  kMetaNoop,      // MN
  kOther,         // anything else (STAT, VERSION ...): the caller decides
};

// Views into the bytes the reply was read from: valid as long as those are. A read sets
// `code`, `text` and the fields its code names below; the others keep what an earlier read
// left (a reset per reply line was about 15% of the load generator's reply parsing).
struct ReplyHead {
  ReplyCode code = ReplyCode::kOther;
  std::string_view text;          // the whole line as it came, without "\r\n"
  std::string_view key;           // kValue
  std::uint32_t flags = 0;        // kValue (a meta value's are in meta_flags: f<flags>)
  std::uint64_t cas = 0;          // kValue, when the server sent one (gets, gats)
  std::uint64_t number = 0;       // kNumber
  std::uint64_t value_bytes = 0;  // kValue, kMetaValue: the block's length
  std::string_view meta_flags;    // meta codes: what follows the code (and a VA's length)
  // Binary replies: what the response header says besides (a binary read also sets `key`,
  // empty when none came back, and `cas`; `text` is the body of a reply without an item,
  // such as an error's message).
  std::uint8_t opcode = 0;
  std::uint16_t status = 0;
  std::uint32_t opaque = 0;

  bool has_value() const noexcept { return code == ReplyCode::kValue || code == ReplyCode::kMetaValue; }
};

// The text after meta flag `flag` in `flags` ("f5 c12 kfoo": 'c' gives "12"); false when
// the flag is not there.
bool find_meta_flag(std::string_view flags, char flag, std::string_view& value) noexcept;

}  // namespace client
