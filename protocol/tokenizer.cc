#include "protocol/tokenizer.h"

#include <cstring>

namespace memstripe::protocol {

namespace {

// Adds tokens from `text` until `limit` tokens are held; what is left goes to `rest`.
void take_tokens(Tokens& t, std::string_view text, std::size_t limit) noexcept {
  t.rest = {};
  const char* p = text.data();
  const char* const end = p + text.size();
  while (p < end) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    const auto* space = static_cast<const char*>(std::memchr(p, ' ', static_cast<std::size_t>(end - p)));
    const char* token_end = space != nullptr ? space : end;
    t.items[t.count++] = std::string_view(p, static_cast<std::size_t>(token_end - p));
    p = token_end;
    if (t.count == limit) {
      if (p < end) ++p;  // memcached steps over the separator before stopping
      t.rest = std::string_view(p, static_cast<std::size_t>(end - p));
      return;
    }
  }
}

}  // namespace

Tokens tokenize(std::string_view line) noexcept { return tokenize(line, Tokens::kMaxTokens); }

Tokens tokenize(std::string_view line, std::size_t limit) noexcept {
  Tokens t;
  if (limit == 0) {
    t.rest = line;
    return t;
  }
  take_tokens(t, line, limit < Tokens::kMaxTokens ? limit : Tokens::kMaxTokens);
  return t;
}

void tokenize_rest(Tokens& t) noexcept {
  if (t.count < Tokens::kMaxTokens && !t.rest.empty()) take_tokens(t, t.rest, Tokens::kMaxTokens);
}

bool WordCursor::next(std::string_view& word) noexcept {
  std::size_t start = 0;
  while (start < text_.size() && text_[start] == ' ') ++start;
  if (start == text_.size()) {
    text_ = {};
    return false;
  }
  const std::size_t space = text_.find(' ', start);
  const std::size_t stop = space == std::string_view::npos ? text_.size() : space;
  word = text_.substr(start, stop - start);
  text_.remove_prefix(stop);
  return true;
}

}  // namespace memstripe::protocol
