#include "protocol/stat_sink.h"

#include <charconv>
#include <cstring>

namespace memstripe::protocol {

void StatSink::number(std::string_view name, std::uint64_t value) {
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  stat(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void StatSink::signed_number(std::string_view name, std::int64_t value) {
  char digits[24];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  stat(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void StatSink::class_number(std::string_view prefix, unsigned id, std::string_view name, std::uint64_t value) {
  char label[64];
  const std::size_t prefix_length = prefix.substr(0, 16).size();
  if (prefix_length != 0) std::memcpy(label, prefix.data(), prefix_length);
  char* p = std::to_chars(label + prefix_length, label + prefix_length + 10, id).ptr;
  *p++ = ':';
  const std::size_t room = static_cast<std::size_t>(label + sizeof label - p);
  const std::string_view shown = name.substr(0, room);
  if (!shown.empty()) std::memcpy(p, shown.data(), shown.size());
  number(std::string_view(label, static_cast<std::size_t>(p - label) + shown.size()), value);
}

}  // namespace memstripe::protocol
