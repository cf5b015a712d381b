#include "protocol/numbers.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

namespace memstripe::protocol {
namespace {

// C's isspace() in the "C" locale, which strtoul() skips and memcached's xisspace() accepts
// after a number.
constexpr bool is_c_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// The part strtoull() and strtol() share: whitespace, a sign, decimal digits. `magnitude`
// is only meaningful when !overflow.
struct DecimalScan {
  bool converted = false;  // digits were found and the token ends well after them
  bool negative = false;
  bool overflow = false;
  std::uint64_t magnitude = 0;
};

DecimalScan scan_decimal(std::string_view s) noexcept {
  DecimalScan r;
  std::size_t i = 0;
  while (i < s.size() && is_c_space(s[i])) ++i;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    r.negative = s[i] == '-';
    ++i;
  }
  const std::size_t first_digit = i;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (r.magnitude > (kMax - digit) / 10) {
      r.overflow = true;
    } else {
      r.magnitude = r.magnitude * 10 + digit;
    }
  }
  // memcached: the number must be followed by whitespace or by the end of the token.
  r.converted = i != first_digit && (i == s.size() || is_c_space(s[i]));
  return r;
}

// strtoull()'s result, with the '-' check memcached adds.
bool read_unsigned(std::string_view token, std::uint64_t& out) noexcept {
  const DecimalScan r = scan_decimal(token);
  if (!r.converted || r.overflow) return false;
  const std::uint64_t value = r.negative ? 0 - r.magnitude : r.magnitude;
  if (r.negative && static_cast<std::int64_t>(value) < 0) return false;
  out = value;
  return true;
}

}  // namespace

bool safe_strtoul(std::string_view token, std::uint32_t& out) noexcept {
  std::uint64_t value = 0;
  out = 0;
  if (!read_unsigned(token, value)) return false;
  out = static_cast<std::uint32_t>(value);
  return true;
}

bool safe_strtoull(std::string_view token, std::uint64_t& out) noexcept {
  out = 0;
  return read_unsigned(token, out);
}

bool safe_strtol(std::string_view token, std::int32_t& out) noexcept {
  out = 0;
  const DecimalScan r = scan_decimal(token);
  if (!r.converted || r.overflow) return false;
  constexpr std::uint64_t kLongMax = std::numeric_limits<std::int64_t>::max();
  if (r.magnitude > kLongMax + (r.negative ? 1 : 0)) return false;  // ERANGE
  const std::uint64_t bits = r.negative ? 0 - r.magnitude : r.magnitude;
  // memcached assigns the long to an int32_t: the low 32 bits survive.
  out = static_cast<std::int32_t>(static_cast<std::uint32_t>(bits));
  return true;
}

bool safe_strtod(std::string_view token, double& out) {
  out = 0;
  const std::string text(token);  // strtod needs the terminator
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (errno == ERANGE || end == text.c_str()) return false;
  if (*end != '\0' && !is_c_space(*end)) return false;
  out = value;
  return true;
}

}  // namespace memstripe::protocol
