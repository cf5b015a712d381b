#include "client/arguments.h"

namespace client {

bool Arguments::next() noexcept {
  if (next_ >= argc_) return false;
  option_ = argv_[next_++];
  has_inline_value_ = false;
  if (option_.starts_with("--")) {
    if (const auto eq = option_.find('='); eq != std::string_view::npos) {
      inline_value_ = option_.substr(eq + 1);
      option_ = option_.substr(0, eq);
      has_inline_value_ = true;
    }
  }
  return true;
}

bool Arguments::value(std::string_view& out) noexcept {
  if (has_inline_value_) {
    out = inline_value_;
    return true;
  }
  if (next_ >= argc_) return false;
  out = argv_[next_++];
  return true;
}

}  // namespace client
