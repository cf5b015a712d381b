#include "server/config_file.h"

namespace memstripe::server {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Debian's script deletes every unescaped '#' and what follows it up to the next '#'; in
// practice that is "a comment runs to the end of the line".
std::string_view strip_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] != '\\')) return line.substr(0, i);
  }
  return line;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) words.emplace_back(s.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::vector<ConfigLine> split_config_text(std::string_view text) {
  std::vector<ConfigLine> lines;
  int number = 0;
  while (!text.empty()) {
    ++number;
    std::size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);

    std::string_view line = trim(strip_comment(raw));
    if (line.empty()) continue;
    ConfigLine out;
    out.number = number;
    if (line.front() == '-') {
      out.words = split_words(line);
    } else {
      out.directive = true;
      std::size_t space = 0;
      while (space < line.size() && !is_space(line[space])) ++space;
      out.words.emplace_back(line.substr(0, space));
      std::string_view arg = trim(line.substr(space));
      if (!arg.empty()) out.words.emplace_back(arg);
    }
    lines.push_back(std::move(out));
  }
  return lines;
}

}  // namespace memstripe::server
