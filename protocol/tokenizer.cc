#include "protocol/tokenizer.h"

#include <cstring>

namespace memstripe::protocol {

Tokens tokenize(std::string_view line) noexcept {
  Tokens t;
  const char* p = line.data();
  const char* const end = p + line.size();
  while (p < end) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    const auto* space = static_cast<const char*>(std::memchr(p, ' ', static_cast<std::size_t>(end - p)));
    const char* token_end = space != nullptr ? space : end;
    t.items[t.count++] = std::string_view(p, static_cast<std::size_t>(token_end - p));
    p = token_end;
    if (t.count == Tokens::kMaxTokens) {
      if (p < end) ++p;  // memcached steps over the separator before stopping
      t.rest = std::string_view(p, static_cast<std::size_t>(end - p));
      break;
    }
  }
  return t;
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
