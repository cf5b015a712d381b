// Numbers in command lines, read exactly as memcached 1.6.18 reads them (util.c's
// safe_strto* family over strtoul/strtol/strtoull/strtod), quirks included, because
// clients depend on them: flags are read as 64 bits and truncated to 32, exptimes and
// lengths as signed 64 bits truncated to 32 (so a length of 4294967297 is 1).
//
// What each accepts: optional leading whitespace (a token may start with a tab), an
// optional sign, decimal digits, then the end of the token or a whitespace byte (anything
// after it is ignored: "5\tx" reads as 5). Out of range for the 64-bit read fails. The
// unsigned reads refuse a '-' only when the result would be negative as a signed number,
// so "-0" is 0 and "-18446744073709551615" is 1, as in memcached.
#pragma once

#include <cstdint>
#include <string_view>

namespace memstripe::protocol {

// safe_strtoul: flags, verbosity, cache_memlimit, class ids.
bool safe_strtoul(std::string_view token, std::uint32_t& out) noexcept;
// safe_strtol: exptimes and data lengths.
bool safe_strtol(std::string_view token, std::int32_t& out) noexcept;
// safe_strtoull: cas uniques and incr/decr deltas.
bool safe_strtoull(std::string_view token, std::uint64_t& out) noexcept;
// safe_strtod: the factors of `lru tune` and `slabs automove ratio` (not on a hot path).
bool safe_strtod(std::string_view token, double& out);

}  // namespace memstripe::protocol
