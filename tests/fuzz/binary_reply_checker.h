// Reads what a binary-protocol client of memstripe receives, as it arrives, and checks that
// it is a sequence of well-formed response packets: the response magic, raw bytes, a status
// memcached sends, extras and key within the body, a STAT packet's key as the stat's name.
// Like ReplyChecker it digests the replies for comparing two runs, STAT values left out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "reply_digest.h"

namespace memstripe::fuzz {

class BinaryReplyChecker {
 public:
  bool feed(std::string_view bytes);
  bool at_reply_boundary() const noexcept { return partial_.empty(); }

  const std::string& error() const noexcept { return error_; }
  std::uint64_t digest() const noexcept { return digest_.digest(); }
  std::size_t bytes() const noexcept { return bytes_; }
  std::size_t digested_bytes() const noexcept { return digest_.bytes(); }
  std::size_t replies() const noexcept { return replies_; }
  const std::string& kept() const noexcept { return digest_.kept(); }
  bool kept_all() const noexcept { return digest_.kept_all(); }


 private:
  bool fail(std::string message);
  bool packet(std::string_view bytes);

  std::string partial_;  // a packet not yet whole
  std::string error_;
  ReplyDigest digest_;
  std::size_t bytes_ = 0;
  std::size_t replies_ = 0;
};

}  // namespace memstripe::fuzz
