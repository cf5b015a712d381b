// Splits a command line into tokens the way memcached's tokenize_command() does: only the
// space byte separates (a tab, a '\r' or a byte >= 0x80 is part of a token), runs of
// spaces count as one, and at most 23 tokens are taken; the rest of the line is left in
// `rest` for the commands that walk it (get and friends take any number of keys).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace memstripe::protocol {

struct Tokens {
  // memcached's MAX_TOKENS is 24, its terminal token included.
  static constexpr std::size_t kMaxTokens = 23;

  std::array<std::string_view, kMaxTokens> items{};
  std::size_t count = 0;
  // What follows the 23rd token when the line has more; empty otherwise.
  std::string_view rest;

  // memcached's ntokens, terminal token included: its token-count rules are written
  // against this number, and so are ours, to keep them recognisably the same.
  std::size_t ntokens() const noexcept { return count + 1; }
  // Past the last token: empty, like memcached's terminal token.
  std::string_view operator[](std::size_t i) const noexcept {
    return i < count ? items[i] : std::string_view{};
  }
  std::string_view last() const noexcept { return count == 0 ? std::string_view{} : items[count - 1]; }
};

Tokens tokenize(std::string_view line) noexcept;
// Takes at most `limit` tokens (a multi-get needs only its first two or three), leaving
// the rest of the line in `rest`; tokenize_rest() then carries on to memcached's limit.
Tokens tokenize(std::string_view line, std::size_t limit) noexcept;
void tokenize_rest(Tokens& tokens) noexcept;

// Walks space-separated words (keys of a multi-get) without a token limit.
class WordCursor {
 public:
  explicit WordCursor(std::string_view text) noexcept : text_(text) {}
  // False at the end of the text.
  bool next(std::string_view& word) noexcept;

 private:
  std::string_view text_;
};

}  // namespace memstripe::protocol
