#include "protocol/numbers.h"

#include <cerrno>
#include <cstdlib>
#include <limits>
#include <string>

#include "storage/decimal.h"

// The scan itself is storage/decimal.h's, the one shared with incr/decr, which read the
// numbers stored in values the same way.
namespace memstripe::protocol {

bool safe_strtoul(std::string_view token, std::uint32_t& out) noexcept {
  std::uint64_t value = 0;
  out = 0;
  if (!storage::parse_unsigned_decimal(token, value)) return false;
  out = static_cast<std::uint32_t>(value);
  return true;
}

bool safe_strtoull(std::string_view token, std::uint64_t& out) noexcept {
  out = 0;
  return storage::parse_unsigned_decimal(token, out);
}

bool safe_strtol(std::string_view token, std::int32_t& out) noexcept {
  out = 0;
  const storage::DecimalScan r = storage::scan_decimal(token);
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
  if (*end != '\0' && !storage::is_c_space(*end)) return false;
  out = value;
  return true;
}

}  // namespace memstripe::protocol
