#include "protocol/meta_parser.h"

#include <climits>

#include "protocol/base64.h"
#include "protocol/classic_requests.h"
#include "protocol/numbers.h"
#include "protocol/responses.h"

namespace memstripe::protocol {
namespace {

constexpr std::size_t kKeyToken = 1;
constexpr std::size_t kValueLengthToken = 2;  // ms
// me's optional "b" token.
constexpr std::string_view kDebugBinaryKey = "b";

// The argument of a flag token: what follows its first byte.
std::string_view argument(std::string_view token) noexcept { return token.substr(1); }

}  // namespace

// memcached's _meta_flag_preparse(): reads every flag token from `first` on. A duplicate
// or unknown flag stops it at once; a bad argument only notes its error and reading goes
// on, so the error reported is the last one noted. memcached returns that error string
// for mg and ms; md and ma replace it with "invalid or duplicate flag".
struct FlagReader {
  static std::string_view read(const Tokens& tokens, std::size_t first, MetaRequest& request) noexcept {
    MetaFlags& f = request.flags;
    std::string_view error;
    for (std::size_t i = first; i < tokens.count; ++i) {
      const std::string_view token = tokens[i];
      const auto flag = static_cast<unsigned char>(token[0]);
      if (flag >= MetaFlags::kFlagBytes || f.slot_[flag] != 0) return reply::kDuplicateFlag;
      f.slot_[flag] = static_cast<std::uint8_t>(f.count_ + 1);
      f.tokens_[f.count_++] = token;
      switch (flag) {
        case 'b':
          request.binary_key = true;
          request.decoded_length = base64_decode(request.raw_key, request.decoded_key.data());
          if (request.decoded_length == 0) error = reply::kErrorDecodingKey;
          break;
        case 'N':
          if (!safe_strtol(argument(token), f.vivify_ttl)) error = reply::kBadFlagToken;
          break;
        case 'T':
          if (!safe_strtol(argument(token), f.ttl)) error = reply::kBadFlagToken;
          break;
        case 'R':
          if (!safe_strtol(argument(token), f.recache_ttl)) error = reply::kBadFlagToken;
          break;
        case 'F':
          // memcached notes the failure without an error string of its own.
          if (!safe_strtoul(argument(token), f.client_flags) && error.empty()) {
            error = reply::kBadCommandLineFormat;
          }
          break;
        case 'C':
          if (!safe_strtoull(argument(token), f.compare_cas)) error = reply::kBadFlagToken;
          break;
        case 'M':
          if (token.size() != 2) {
            error = reply::kModeTokenLength;
          } else {
            f.mode = token[1];
          }
          break;
        case 'J':
          if (!safe_strtoull(argument(token), f.initial)) error = reply::kInvalidInitialValue;
          break;
        case 'D':
          if (!safe_strtoull(argument(token), f.delta)) error = reply::kInvalidDeltaValue;
          break;
        case 'O':
          f.opaque = token;
          break;
        case 'P':  // proxy hints: accepted and ignored
        case 'L':
        case 'k':
        case 's':
        case 't':
        case 'c':
        case 'f':
        case 'v':
        case 'h':
        case 'l':
        case 'u':
        case 'q':
        case 'I':
          break;
        default:
          return reply::kInvalidFlag;
      }
    }
    return error;
  }
};

void MetaFlags::clear() noexcept {
  ttl = 0;
  vivify_ttl = 0;
  recache_ttl = 0;
  client_flags = 0;
  compare_cas = 0;
  delta = 1;
  initial = 0;
  mode = 0;
  opaque = {};
  count_ = 0;
  slot_.fill(0);
}

void MetaRequest::reset() noexcept {
  raw_key = {};
  binary_key = false;
  flags.clear();
  value_length = 0;
  store_mode = storage::StoreMode::kSet;
  decrement = false;
  error = {};
  swallow_data_block = false;
  decoded_length = 0;
}

bool opaque_too_long(const MetaFlags& flags) noexcept { return flags.opaque.size() > kMaxOpaqueLength; }

namespace {

// ms's M: memcached's modes are upper case only.
bool read_set_mode(char mode, bool compare_cas, storage::StoreMode& out) noexcept {
  using storage::StoreMode;
  switch (mode) {
    case 0:
    case 'S': out = StoreMode::kSet; break;
    case 'E': out = StoreMode::kAdd; break;
    case 'A': out = StoreMode::kAppend; break;
    case 'P': out = StoreMode::kPrepend; break;
    case 'R': out = StoreMode::kReplace; break;
    default: return false;
  }
  // memcached: a CAS turns set and replace into cas; add ignores it; append and prepend
  // compare it themselves.
  if (compare_cas && (out == StoreMode::kSet || out == StoreMode::kReplace)) out = StoreMode::kCas;
  return true;
}

bool read_arithmetic_mode(char mode, bool& decrement) noexcept {
  switch (mode) {
    case 0:
    case 'I':
    case '+': decrement = false; return true;
    case 'D':
    case '-': decrement = true; return true;
    default: return false;
  }
}

void parse_set(const Tokens& tokens, MetaRequest& r) noexcept {
  if (tokens.ntokens() == 3) {
    r.error = reply::kBadCommandLineFormat;
    return;
  }
  if (tokens.ntokens() > kMaxMetaTokens) {
    r.error = reply::kMetaFlagsTooLong;
    return;
  }
  std::int32_t length = 0;
  // memcached adds 2 for the "\r\n" to an int, hence its bound.
  if (!safe_strtol(tokens[kValueLengthToken], length) || length < 0 || length > INT_MAX - 2) {
    r.error = reply::kBadCommandLineFormat;
    return;
  }
  r.value_length = static_cast<std::uint32_t>(length);
  // From here on memcached knows the length and skips the data block after an error.
  r.error = FlagReader::read(tokens, kValueLengthToken + 1, r);
  if (r.error.empty()) {
    const MetaFlags& f = r.flags;
    // An invalid mode outranks a long opaque: memcached checks the mode after noting it.
    if (!read_set_mode(f.mode, f.has('C'), r.store_mode)) {
      r.error = reply::kInvalidSetMode;
    } else if (opaque_too_long(f)) {
      r.error = reply::kOpaqueTooLong;
    }
  }
  r.swallow_data_block = !r.error.empty();
}

}  // namespace

void parse_meta_request(MetaCommand command, const Tokens& tokens, MetaRequest& r) noexcept {
  // "mg" alone is an unknown command to memcached.
  if (tokens.ntokens() < 3) {
    r.error = reply::kError;
    return;
  }
  r.raw_key = tokens[kKeyToken];
  if (!key_fits(r.raw_key)) {
    r.error = reply::kBadCommandLineFormat;
    return;
  }
  constexpr std::size_t kFirstFlag = kKeyToken + 1;
  switch (command) {
    case MetaCommand::kGet:
      if (tokens.ntokens() > kMaxMetaTokens) {
        r.error = reply::kMetaGetFlagsTooLong;
      } else {
        r.error = FlagReader::read(tokens, kFirstFlag, r);
        // memcached notices a long opaque while writing the reply, after a hit's touch
        // or a miss's vivify; memstripe refuses the line before it changes anything
        // (README: deviations).
        if (r.error.empty() && opaque_too_long(r.flags)) r.error = reply::kOpaqueTooLong;
      }
      return;
    case MetaCommand::kSet:
      parse_set(tokens, r);
      return;
    case MetaCommand::kDelete:
      if (tokens.ntokens() > kMaxMetaTokens) {
        r.error = reply::kMetaFlagsTooLong;
      } else if (!FlagReader::read(tokens, kFirstFlag, r).empty()) {
        r.error = reply::kInvalidOrDuplicateFlag;
      } else if (opaque_too_long(r.flags)) {
        r.error = reply::kOpaqueTooLong;
      }
      return;
    case MetaCommand::kArithmetic:
      if (tokens.ntokens() > kMaxMetaTokens) {
        r.error = reply::kMetaFlagsTooLong;
      } else if (!FlagReader::read(tokens, kFirstFlag, r).empty()) {
        r.error = reply::kInvalidOrDuplicateFlag;
      } else if (!read_arithmetic_mode(r.flags.mode, r.decrement)) {
        r.error = reply::kInvalidArithmeticMode;
      }
      return;
  }
}

void parse_meta_debug_request(const Tokens& tokens, MetaRequest& r) noexcept {
  r.raw_key = tokens[kKeyToken];
  if (tokens.ntokens() < 3 || !key_fits(r.raw_key)) {
    r.error = reply::kBadCommandLineFormat;
    return;
  }
  if (tokens.ntokens() >= 4 && tokens[2] == kDebugBinaryKey) {
    r.binary_key = true;
    r.decoded_length = base64_decode(r.raw_key, r.decoded_key.data());
    if (r.decoded_length == 0) r.error = reply::kBadCommandLineFormat;
  }
}

}  // namespace memstripe::protocol
