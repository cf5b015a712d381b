// The numbers incr/decr read from stored values, as memcached 1.6 reads them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memstripe::storage {

// 2^64 - 1 has 20 digits.
inline constexpr std::size_t kMaxDecimalDigits = 20;

// memcached's safe_strtoull() over a stored value: optional leading whitespace, an optional
// sign, decimal digits, then whitespace or the end of the value. "-0" is 0; other negative
// numbers and anything above 2^64 - 1 are not numbers. Where memcached reads past the
// value (a value of only whitespace) this says "not a number": a documented deviation.
bool parse_stored_decimal(std::string_view text, std::uint64_t& out) noexcept;

}  // namespace memstripe::storage
