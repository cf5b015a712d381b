// A JSON string literal of any bytes, for the reports both tools write by hand. Bytes
// outside printable ASCII are escaped one by one: a report may quote a server's raw reply,
// which need not be UTF-8.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace client {

inline std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace client
