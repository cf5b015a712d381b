#include "client/reply_head.h"

namespace client {

bool find_meta_flag(std::string_view flags, char flag, std::string_view& value) noexcept {
  while (!flags.empty()) {
    const std::size_t space = flags.find(' ');
    const std::string_view token = flags.substr(0, space);
    if (!token.empty() && token.front() == flag) {
      value = token.substr(1);
      return true;
    }
    if (space == std::string_view::npos) break;
    flags.remove_prefix(space + 1);
  }
  return false;
}

}  // namespace client
