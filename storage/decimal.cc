#include "storage/decimal.h"

namespace memstripe::storage {
namespace {

// C's isspace() in the "C" locale, without the locale lookup.
bool is_space(char c) noexcept { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

bool parse_stored_decimal(std::string_view text, std::uint64_t& out) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n && is_space(text[i])) ++i;
  bool negative = false;
  if (i < n && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  if (i == n || !is_digit(text[i])) return false;
  std::uint64_t value = 0;
  for (; i < n && is_digit(text[i]); ++i) {
    std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;  // strtoull's ERANGE
    value = value * 10 + digit;
  }
  if (i < n && !is_space(text[i])) return false;
  if (negative) {
    value = 0 - value;  // strtoull negates in unsigned arithmetic
    // memcached refuses a result that looks negative as a signed number.
    if (static_cast<std::int64_t>(value) < 0) return false;
  }
  out = value;
  return true;
}

}  // namespace memstripe::storage
