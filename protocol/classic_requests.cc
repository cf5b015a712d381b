#include "protocol/classic_requests.h"

#include <climits>

#include "protocol/numbers.h"
#include "protocol/responses.h"
#include "storage/cache.h"

namespace memstripe::protocol {
namespace {

constexpr std::size_t kKeyToken = 1;
// memcached's cache_memlimit bounds, in megabytes.
constexpr std::uint32_t kMinMemlimitMb = 8;
constexpr std::uint32_t kMaxMemlimitArgument = 1000000000;

}  // namespace

bool key_fits(std::string_view key) noexcept { return key.size() <= storage::kMaxKeyLength; }

bool has_noreply(const Tokens& tokens) noexcept { return tokens.last() == reply::kNoreply; }

StorageArgs parse_storage_request(const Tokens& tokens, bool with_cas) noexcept {
  StorageArgs r;
  r.noreply = has_noreply(tokens);
  r.key = tokens[kKeyToken];
  if (!key_fits(r.key)) {
    r.error = reply::kBadCommandLineFormat;
    return r;
  }
  std::int32_t length = 0;
  if (!(safe_strtoul(tokens[2], r.flags) && safe_strtol(tokens[3], r.exptime) &&
        safe_strtol(tokens[4], length))) {
    r.error = reply::kBadCommandLineFormat;
    return r;
  }
  if (with_cas && !safe_strtoull(tokens[5], r.cas)) {
    r.error = reply::kBadCommandLineFormat;
    return r;
  }
  // memcached adds 2 for the "\r\n" to an int, hence its bound.
  if (length < 0 || length > INT_MAX - 2) {
    r.error = reply::kBadCommandLineFormat;
    return r;
  }
  r.length = static_cast<std::uint32_t>(length);
  return r;
}

RetrievalArgs parse_retrieval_request(const Tokens& tokens, std::string_view line, bool touch) noexcept {
  RetrievalArgs r;
  std::size_t first_key = kKeyToken;
  if (touch) {
    if (!safe_strtol(tokens[1], r.exptime)) {
      r.error = reply::kInvalidExptime;
      return r;
    }
    first_key = 2;
  }
  const std::string_view key = tokens[first_key];
  if (!key.empty()) {
    const auto offset = static_cast<std::size_t>(key.data() - line.data());
    r.keys = line.substr(offset);
  }
  return r;
}

bool keys_fit(std::string_view keys) noexcept {
  // No key is longer than the line it is on: most lines need no walk.
  if (key_fits(keys)) return true;
  WordCursor cursor(keys);
  std::string_view key;
  while (cursor.next(key)) {
    if (!key_fits(key)) return false;
  }
  return true;
}

DeleteArgs parse_delete_request(const Tokens& tokens) noexcept {
  DeleteArgs r;
  const std::size_t ntokens = tokens.ntokens();
  if (ntokens > 3) {
    // Only "delete <key> 0", "delete <key> noreply" and "delete <key> 0 noreply" remain
    // of the old delete-with-hold-time syntax.
    const bool hold_is_zero = tokens[2] == "0";
    r.noreply = has_noreply(tokens);
    const bool valid = (ntokens == 4 && (hold_is_zero || r.noreply)) ||
                       (ntokens == 5 && hold_is_zero && r.noreply);
    if (!valid) {
      r.error = reply::kDeleteUsage;
      return r;
    }
  }
  r.key = tokens[kKeyToken];
  if (!key_fits(r.key)) r.error = reply::kBadCommandLineFormat;
  return r;
}

ArithmeticArgs parse_arithmetic_request(const Tokens& tokens) noexcept {
  ArithmeticArgs r;
  r.noreply = has_noreply(tokens);
  r.key = tokens[kKeyToken];
  if (!key_fits(r.key)) {
    r.error = reply::kBadCommandLineFormat;
  } else if (!safe_strtoull(tokens[2], r.delta)) {
    r.error = reply::kInvalidDelta;
  }
  return r;
}

TouchArgs parse_touch_request(const Tokens& tokens) noexcept {
  TouchArgs r;
  r.noreply = has_noreply(tokens);
  r.key = tokens[kKeyToken];
  if (!key_fits(r.key)) {
    r.error = reply::kBadCommandLineFormat;
  } else if (!safe_strtol(tokens[2], r.exptime)) {
    r.error = reply::kInvalidExptime;
  }
  return r;
}

FlushArgs parse_flush_request(const Tokens& tokens) noexcept {
  FlushArgs r;
  r.noreply = has_noreply(tokens);
  // A delay is read whenever there is a token besides a trailing noreply.
  if (tokens.ntokens() != (r.noreply ? 3u : 2u) && !safe_strtol(tokens[1], r.delay)) {
    r.error = reply::kInvalidExptime;
  }
  return r;
}

VerbosityArgs parse_verbosity_request(const Tokens& tokens) noexcept {
  VerbosityArgs r;
  r.noreply = has_noreply(tokens);
  if (!safe_strtoul(tokens[1], r.level)) r.error = reply::kBadCommandLineFormat;
  return r;
}

MemlimitArgs parse_memlimit_request(const Tokens& tokens) noexcept {
  MemlimitArgs r;
  r.noreply = has_noreply(tokens);
  if (!safe_strtoul(tokens[1], r.megabytes)) {
    r.error = reply::kError;
  } else if (r.megabytes < kMinMemlimitMb) {
    r.error = reply::kMemlimitTooSmall;
  } else if (r.megabytes > kMaxMemlimitArgument) {
    r.error = reply::kMemlimitNotMegabytes;
  }
  return r;
}

}  // namespace memstripe::protocol
