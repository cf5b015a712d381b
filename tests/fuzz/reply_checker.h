// Reads what a client of memstripe receives, as it arrives, and checks that it is a
// sequence of well-formed memcached replies: every line ends in "\r\n" (the lines of
// `lru_crawler metadump` in a bare "\n", as memcached writes them), every line is one
// memcached can send, VALUE and VA blocks hold exactly the bytes they announce followed
// by "\r\n", a get's VALUEs and a listing's STAT/ITEM lines end with END, meta flags are
// well-formed. It also keeps a digest of the replies for comparing two runs: the values of
// STAT lines, which depend on the machine and on timing rather than the input, are left
// out of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reply_digest.h"

namespace memstripe::fuzz {

class ReplyChecker {
 public:
  // Feeds the next bytes the client receives. False at the first malformed byte; error()
  // then says what was wrong.
  bool feed(std::string_view bytes);
  // True between whole replies: every command's reply is complete when the session
  // returns from process(), so a caller checks this after each call.
  bool at_reply_boundary() const noexcept;

  const std::string& error() const noexcept { return error_; }
  std::uint64_t digest() const noexcept { return digest_.digest(); }
  std::size_t bytes() const noexcept { return bytes_; }
  // The bytes that went into the digest (STAT values left out): what two runs must agree on.
  std::size_t digested_bytes() const noexcept { return digest_.bytes(); }
  std::size_t replies() const noexcept { return replies_; }
  // The replies as digested, while they stay under ReplyDigest::kKeepLimit bytes (for
  // finding where two runs part); kept_all() says whether they did.
  const std::string& kept() const noexcept { return digest_.kept(); }
  bool kept_all() const noexcept { return digest_.kept_all(); }

  // No reply line is longer (a VALUE line with a 250-byte key, a metadump line with a
  // URI-encoded one, a meta reply with every flag).
  static constexpr std::size_t kMaxLine = 4096;

 private:
  // What the next line may be.
  enum class Expect : std::uint8_t {
    kAny,
    kGetContinues,      // after a VALUE block: VALUE or END
    kListingContinues,  // after STAT / ITEM / key= lines: more of the same kind, or END
  };

  bool fail(std::string message);
  bool line(std::string_view text, bool crlf);
  bool meta_flags(std::string_view flags);

  Expect expect_ = Expect::kAny;
  char listing_ = 0;               // 'S' STAT, 'I' ITEM, 'k' key=
  std::string partial_;            // the current line, not yet ended
  std::uint64_t block_left_ = 0;   // bytes of a data block (with its "\r\n") still due
  std::uint64_t block_size_ = 0;   // the value's length, to find its "\r\n"
  bool after_block_get_ = false;   // the block belongs to a VALUE (not a VA)
  std::string error_;
  ReplyDigest digest_;
  std::size_t bytes_ = 0;
  std::size_t replies_ = 0;
};

}  // namespace memstripe::fuzz
