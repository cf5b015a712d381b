#include "protocol/binary_decoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "storage/cache.h"

namespace memstripe::protocol {
namespace {

using namespace binary;

// The opcode without its quiet form, and whether it was quiet (memcached's translation in
// dispatch_bin_command()).
struct Base {
  std::uint8_t opcode;
  bool quiet;
};

Base base_of(std::uint8_t opcode) noexcept {
  switch (opcode) {
    case kSetQ: return {kSet, true};
    case kAddQ: return {kAdd, true};
    case kReplaceQ: return {kReplace, true};
    case kDeleteQ: return {kDelete, true};
    case kIncrementQ: return {kIncrement, true};
    case kDecrementQ: return {kDecrement, true};
    case kQuitQ: return {kQuit, true};
    case kFlushQ: return {kFlush, true};
    case kAppendQ: return {kAppend, true};
    case kPrependQ: return {kPrepend, true};
    case kGetQ: return {kGet, true};
    case kGetKQ: return {kGetK, true};
    case kGatQ: return {kGat, true};
    case kGatKQ: return {kGatK, true};
    default: return {opcode, false};
  }
}

void refuse(BinaryRequest& request, Status status, std::string_view text, bool close) {
  request.command = NoRequest{};
  request.error = status;
  request.error_text = text;
  request.close_after_error = close;
}

storage::StoreMode store_mode(std::uint8_t base, std::uint64_t cas) noexcept {
  using storage::StoreMode;
  switch (base) {
    case kAppend: return StoreMode::kAppend;
    case kPrepend: return StoreMode::kPrepend;
    default: break;
  }
  // memcached: set, add and replace with a CAS other than 0 are a cas.
  if (cas != 0) return StoreMode::kCas;
  return base == kAdd ? StoreMode::kAdd : base == kReplace ? StoreMode::kReplace : StoreMode::kSet;
}

}  // namespace

DecodeResult BinaryDecoder::decode(std::string_view input, BinaryRequest& request, const AuthState& auth) {
  switch (phase_) {
    case Phase::kValue: return read_value(input);
    case Phase::kSkip: return skip(input);
    case Phase::kHeader: break;
  }
  pending_.item.reset();  // a value handed over by the last call is done with
  partial_ = !input.empty();
  if (input.size() < kHeaderSize) return {};
  const RequestHeader h = read_header(input.data());
  if (h.magic != kRequestMagic) {
    // memcached closes at once and loses the replies it has not flushed yet (a NOOP flushes
    // them): which ones depends on its writes. Here every reply already made is sent first.
    close_reason_ = "a binary request without its magic byte";
    partial_ = false;
    DecodeResult closing{DecodeStatus::kSkipped};
    closing.close_after = true;
    return closing;
  }
  request = BinaryRequest{};
  request.opcode = h.opcode;
  request.opaque = h.opaque;
  const std::size_t key_length = h.key_length;
  const std::size_t extras_length = h.extras_length;
  const std::size_t body_length = h.body_length;
  DecodeResult result{DecodeStatus::kRequest, kHeaderSize, true};
  // memcached answers these as soon as the extras and key are in; the header decides them.
  if (key_length > body_length || key_length + extras_length > body_length) {
    refuse(request, kUnknownCommand, kUnknownCommandText, true);
    close_reason_ = "a binary request whose key and extras overrun its body";
    result.close_after = true;
    partial_ = false;
    return result;
  }
  if (!auth.allows_commands() && h.opcode != kVersion && h.opcode != kSaslListMechs && h.opcode != kSaslAuth &&
      h.opcode != kSaslStep) {
    refuse(request, kAuthError, kAuthErrorText, true);
    close_reason_ = "a binary request before authentication";
    result.close_after = true;
    partial_ = false;
    return result;
  }
  if (key_length > storage::kMaxKeyLength) {
    refuse(request, kInvalidArguments, kInvalidArgumentsText, true);
    close_reason_ = "a binary request with a key over 250 bytes";
    result.close_after = true;
    partial_ = false;
    return result;
  }
  const std::size_t fixed = kHeaderSize + extras_length + key_length;
  if (input.size() < fixed) return {};
  partial_ = false;
  result.consumed = fixed;
  const char* extras = input.data() + kHeaderSize;
  request.key = input.substr(kHeaderSize + extras_length, key_length);
  const Base base = base_of(h.opcode);
  request.quiet = base.quiet;

  // Each opcode's lengths, as memcached checks them; a request that fails them gets
  // "Invalid arguments" and the connection closes.
  bool valid = true;
  switch (base.opcode) {
    case kGet:
    case kGetK: {
      valid = extras_length == 0 && body_length == key_length && key_length > 0;
      if (!valid) break;
      request.with_key = base.opcode == kGetK;
      GetRequest get;
      get.keys = KeyList::one(request.key);
      request.command = get;
      break;
    }
    case kTouch:
    case kGat:
    case kGatK: {
      // memcached reads no more than the extras and the key: the rest of the body, if any,
      // is read as the next request.
      valid = extras_length == kTouchExtras && key_length != 0;
      if (!valid) break;
      request.with_key = base.opcode == kGatK;
      request.with_value = base.opcode != kTouch;
      GetRequest get;
      get.keys = KeyList::one(request.key);
      get.options.touch = true;
      get.options.touch_exptime = read32(extras);
      request.command = get;
      break;
    }
    case kSet:
    case kAdd:
    case kReplace:
    case kAppend:
    case kPrepend: {
      const bool concatenates = base.opcode == kAppend || base.opcode == kPrepend;
      const std::size_t extras_wanted = concatenates ? 0 : kStoreExtras;
      valid = extras_length == extras_wanted && key_length != 0 && body_length >= key_length + extras_wanted;
      if (!valid) break;
      StoreRequest store;
      store.key = request.key;
      if (!concatenates) {
        store.flags = read32(extras);
        store.exptime = read32(extras + 4);
      }
      store.value_length = static_cast<std::uint32_t>(body_length - key_length - extras_length);
      store.mode = store_mode(base.opcode, h.cas);
      store.options.compare_cas = h.cas;
      // memcached drops the key's old item when a set is refused (too large, no memory).
      store.alloc.drop_old_if_refused = base.opcode == kSet;
      request.command = store;
      pending_.mode = store.mode;
      pending_.options = store.options;
      pending_.intact = true;
      pending_reply_ = PendingBinaryReply{h.opcode, h.opaque, base.quiet};
      announced_length_ = store.value_length;
      result.status = DecodeStatus::kValueExpected;
      return result;
    }
    case kDelete: {
      valid = key_length > 0 && extras_length == 0 && body_length == key_length;
      if (!valid) break;
      RemoveRequest remove;
      remove.key = request.key;
      if (h.cas != 0) remove.options.compare_cas = h.cas;
      request.command = remove;
      break;
    }
    case kIncrement:
    case kDecrement: {
      valid = key_length > 0 && extras_length == kArithmeticExtras && body_length == key_length + extras_length;
      if (!valid) break;
      ArithmeticRequest arithmetic;
      arithmetic.key = request.key;
      storage::ArithOptions& o = arithmetic.options;
      o.increment = base.opcode == kIncrement;
      o.delta = read64(extras);
      o.initial = read64(extras + 8);
      const std::uint32_t expiration = read32(extras + 16);
      o.vivify = expiration != kNoCreate;
      o.vivify_exptime = expiration;
      o.compare_cas = h.cas;
      request.command = arithmetic;
      break;
    }
    case kQuit:
      valid = key_length == 0 && extras_length == 0 && body_length == 0;
      if (valid) request.command = QuitRequest{};
      break;
    case kFlush: {
      valid = key_length == 0 && body_length == extras_length && (extras_length == 0 || extras_length == kFlushExtras);
      if (!valid) break;
      FlushRequest flush;
      if (extras_length == kFlushExtras) flush.delay = read32(extras);
      request.command = flush;
      break;
    }
    case kNoop:
      valid = key_length == 0 && extras_length == 0 && body_length == 0;
      if (valid) request.command = NoopRequest{};
      break;
    case kVersion:
      valid = key_length == 0 && extras_length == 0 && body_length == 0;
      if (valid) request.command = VersionRequest{};
      break;
    case kStat: {
      // Like a touch, a stat reads no more than its key (the group).
      valid = extras_length == 0;
      if (!valid) break;
      const std::string_view group = request.key;
      StatsRequest stats;
      // memcached matches reset, settings and detail by their prefix only.
      if (group.empty()) {
        stats.group = StatsGroup::kGeneral;
      } else if (group.starts_with("reset")) {
        stats.group = StatsGroup::kReset;
      } else if (group.starts_with("settings")) {
        stats.group = StatsGroup::kSettings;
      } else if (group.starts_with("detail")) {
        const std::string_view what = group.substr(6);
        stats.group = what.starts_with(" dump")                          ? StatsGroup::kDetailDump
                      : what.starts_with(" on") || what.starts_with(" off") ? StatsGroup::kDetailOn
                                                                         : StatsGroup::kDetailUsage;
      } else if (group == "items") {
        stats.group = StatsGroup::kItems;
      } else if (group == "slabs") {
        stats.group = StatsGroup::kSlabs;
      } else if (group == "sizes" || group == "sizes_disable") {
        stats.group = StatsGroup::kSizes;
      } else if (group == "sizes_enable") {
        stats.group = StatsGroup::kSizesEnable;
      } else {
        stats.group = StatsGroup::kUnknown;  // conns and cachedump among them
      }
      request.command = stats;
      break;
    }
    case kSaslListMechs:
      valid = extras_length == 0 && key_length == 0 && body_length == 0;
      if (!valid) break;
      if (auth.method == AuthState::Method::kSasl) {
        request.command = SaslListRequest{};
      } else {
        refuse(request, kUnknownCommand, kUnknownCommandText, false);
      }
      break;
    case kSaslAuth:
    case kSaslStep: {
      valid = extras_length == 0 && key_length != 0;
      if (!valid) break;
      const std::size_t data_length = body_length - key_length;
      if (auth.method != AuthState::Method::kSasl) {
        // Without -S: unknown, and the mechanism's data is skipped.
        refuse(request, kUnknownCommand, kUnknownCommandText, false);
        skip_left_ = data_length;
      } else if (key_length > kMaxMechanismLength) {
        refuse(request, kInvalidArguments, kInvalidArgumentsText, false);
        skip_left_ = data_length;
      } else if (data_length > kMaxSaslData) {
        refuse(request, kOutOfMemory, kOutOfMemoryText, false);
        skip_left_ = data_length;
      } else if (input.size() < fixed + data_length) {
        partial_ = true;
        return {};
      } else {
        result.consumed = fixed + data_length;
        request.command = SaslAuthRequest{base.opcode == kSaslStep, request.key, input.substr(fixed, data_length)};
      }
      break;
    }
    default:
      // Unknown (verbosity too, in 1.6.18): answered, and the rest of the body skipped.
      refuse(request, kUnknownCommand, kUnknownCommandText, false);
      skip_left_ = body_length - fixed + kHeaderSize;
      break;
  }
  if (!valid) {
    refuse(request, kInvalidArguments, kInvalidArgumentsText, true);
    close_reason_ = "a binary request whose lengths do not fit its opcode";
    result.close_after = true;
    skip_left_ = 0;
  }
  if (skip_left_ != 0) phase_ = Phase::kSkip;
  return result;
}

void BinaryDecoder::accept_value(storage::NewItem&& item) noexcept {
  pending_.item = std::move(item);
  filled_ = 0;
  phase_ = Phase::kValue;
}

void BinaryDecoder::refuse_value() noexcept {
  skip_left_ = announced_length_;
  phase_ = skip_left_ == 0 ? Phase::kHeader : Phase::kSkip;
}

std::span<char> BinaryDecoder::value_sink() noexcept {
  if (phase_ != Phase::kValue) return {};
  return pending_.item.value().subspan(filled_);
}

void BinaryDecoder::value_received(std::size_t n) noexcept {
  if (phase_ != Phase::kValue) return;
  filled_ += std::min(n, pending_.item.value().size() - filled_);
}

DecodeResult BinaryDecoder::read_value(std::string_view input) {
  const std::span<char> value = pending_.item.value();
  const std::size_t n = std::min(value.size() - filled_, input.size());
  if (n != 0) std::memcpy(value.data() + filled_, input.data(), n);
  filled_ += n;
  if (filled_ < value.size()) return {DecodeStatus::kNeedMore, n};
  phase_ = Phase::kHeader;
  return {DecodeStatus::kValueComplete, n};
}

DecodeResult BinaryDecoder::skip(std::string_view input) {
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_left_, input.size()));
  skip_left_ -= n;
  if (skip_left_ != 0) return {DecodeStatus::kNeedMore, n};
  phase_ = Phase::kHeader;
  return {DecodeStatus::kSkipped, n};
}

}  // namespace memstripe::protocol
