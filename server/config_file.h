// The config file in the format of Debian's /etc/memcached.conf, read the way Debian's
// start-memcached script reads it: one or more command-line flags a line ("-m 64"), split
// into words as the shell would split them; `#` (not after a backslash) starts a comment;
// blank lines are skipped; a line not starting with '-' is a directive ("logfile PATH").
// Pure: text in, lines out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace memstripe::server {

struct ConfigLine {
  int number = 0;  // 1-based, for messages
  // Flag lines: the words. Directive lines: the directive name, then its argument (the
  // rest of the line, spaces kept) if any.
  std::vector<std::string> words;
  bool directive = false;
};

std::vector<ConfigLine> split_config_text(std::string_view text);

}  // namespace memstripe::server
