// Numbers read from text, all of it or not at all: command-line values and the fields of a
// server's replies. Pure code.
#pragma once

#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

namespace client {

// An integer that is the whole of `text`: digits only (and a '-' for a signed T), in T's
// range. False, and `out` unspecified, otherwise.
template <typename T>
bool parse_integer(std::string_view text, T& out) noexcept {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// A finite decimal number that is the whole of `text` ("2.5", "1e3").
inline bool parse_finite(std::string_view text, double& out) noexcept {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(out);
}

}  // namespace client
