// Decimal numbers as memcached 1.6 reads them with C's strtoull() and strtol(): the one
// scanner behind the numbers of command lines (protocol/numbers.cc) and the numbers
// incr/decr read from stored values. Inline, because both sit on the request path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace memstripe::storage {

// 2^64 - 1 has 20 digits.
inline constexpr std::size_t kMaxDecimalDigits = 20;

// C's isspace() in the "C" locale, which strtoull() skips before a number and memcached's
// xisspace() accepts after one, without the locale lookup.
constexpr bool is_c_space(char c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }

// What strtoull() and strtol() share: optional leading whitespace, an optional sign,
// decimal digits. memcached then wants whitespace or the end of the text after the digits
// ("5\tx" reads as 5, "5x" is not a number).
struct DecimalScan {
  bool converted = false;  // digits were found, and whitespace or the end follows them
  bool negative = false;
  bool overflow = false;        // more than 2^64 - 1: strtoull()'s ERANGE
  std::uint64_t magnitude = 0;  // meaningful only when !overflow
};

constexpr DecimalScan scan_decimal(std::string_view text) noexcept {
  DecimalScan r;
  std::size_t i = 0;
  while (i < text.size() && is_c_space(text[i])) ++i;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) r.negative = text[i++] == '-';
  const std::size_t first_digit = i;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (r.magnitude > (kMax - digit) / 10) {
      r.overflow = true;
    } else {
      r.magnitude = r.magnitude * 10 + digit;
    }
  }
  r.converted = i != first_digit && (i == text.size() || is_c_space(text[i]));
  return r;
}

// memcached's safe_strtoull(): strtoull()'s value, which negates a '-' number in unsigned
// arithmetic, refused when it is negative as a signed number. So "-0" is 0 and
// "-18446744073709551615" is 1, as in memcached. Over a stored value, where memcached reads
// past the value (a value of only whitespace), this says "not a number": a documented
// deviation. `out` is left alone on failure.
constexpr bool parse_unsigned_decimal(std::string_view text, std::uint64_t& out) noexcept {
  const DecimalScan r = scan_decimal(text);
  if (!r.converted || r.overflow) return false;
  const std::uint64_t value = r.negative ? 0 - r.magnitude : r.magnitude;
  if (r.negative && static_cast<std::int64_t>(value) < 0) return false;
  out = value;
  return true;
}

}  // namespace memstripe::storage
