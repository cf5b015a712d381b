// What the session targets compare between a whole and a split run: an FNV-1a digest of
// the reply bytes a checker hands over (STAT values left out by the text checker), their
// count, and the bytes themselves while they stay under kKeepLimit (to show where two runs
// part). One record for the text and the binary checkers alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace memstripe::fuzz {

class ReplyDigest {
 public:
  static constexpr std::size_t kKeepLimit = 8u << 20;

  void add(std::string_view bytes) {
    for (const unsigned char c : bytes) digest_ = (digest_ ^ c) * 1099511628211ull;
    bytes_ += bytes.size();
    if (overflow_) return;
    if (kept_.size() + bytes.size() > kKeepLimit) {
      overflow_ = true;
      kept_.clear();
      kept_.shrink_to_fit();
      return;
    }
    kept_.append(bytes);
  }

  std::uint64_t digest() const noexcept { return digest_; }
  std::size_t bytes() const noexcept { return bytes_; }
  const std::string& kept() const noexcept { return kept_; }
  bool kept_all() const noexcept { return !overflow_; }

 private:
  std::uint64_t digest_ = 14695981039346656037ull;
  std::size_t bytes_ = 0;
  std::string kept_;
  bool overflow_ = false;
};

}  // namespace memstripe::fuzz
