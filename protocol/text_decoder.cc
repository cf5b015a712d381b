#include "protocol/text_decoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "protocol/line_decoders.h"
#include "protocol/numbers.h"
#include "protocol/responses.h"

namespace memstripe::protocol {

DecodeResult TextDecoder::decode(std::string_view input, TextRequest& request, MetaRequest& meta,
                                 const AuthState& auth) {
  switch (phase_) {
    case Phase::kValue: return read_value(input);
    case Phase::kSkip: return skip(input);
    case Phase::kCommandLine: break;
  }
  if (auth.must_authenticate(AuthState::Method::kAsciiToken)) return read_token(input, request);
  pending_.item.reset();  // a value handed over by the last call is done with
  const Frame frame = framer_.next(input);
  if (frame.status == FrameStatus::kNeedMore) return {};
  if (frame.status == FrameStatus::kClose) {
    close_reason_ = frame.close_reason;
    return {DecodeStatus::kClose};
  }
  request.reset();
  const Command command = parse_command(frame.line, options_);
  const LineOutcome outcome = is_meta_command(command.code)
                                  ? decode_meta_line(command, request, meta, pending_reply_)
                                  : decode_classic_line(command, request, pending_reply_);
  DecodeResult result{DecodeStatus::kRequest, frame.consumed, true};
  switch (outcome.kind) {
    case LineOutcome::Kind::kClose:
      close_reason_ = outcome.close_reason;
      result.status = DecodeStatus::kClose;
      break;
    case LineOutcome::Kind::kStore: {
      const auto& store = std::get<StoreRequest>(request.command);
      pending_.mode = store.mode;
      pending_.options = store.options;
      announced_length_ = store.value_length;
      result.status = DecodeStatus::kValueExpected;
      break;
    }
    case LineOutcome::Kind::kRequest:
      if (outcome.skip != 0) {
        skip_left_ = outcome.skip;
        phase_ = Phase::kSkip;
      }
      break;
  }
  return result;
}

// memcached's try_read_command_asciiauth(): "set <key> <flags> <exptime> <bytes>", then
// the value "user password" and "\r\n", the key, flags and exptime ignored.
DecodeResult TextDecoder::read_token(std::string_view input, TextRequest& request) {
  const Frame frame = framer_.next(input);
  if (frame.status == FrameStatus::kNeedMore) return {};
  if (frame.status == FrameStatus::kClose) {
    close_reason_ = frame.close_reason;
    return {DecodeStatus::kClose};
  }
  request.reset();
  request.command.emplace<NoRequest>();
  const Tokens t = tokenize(frame.line);
  std::uint32_t length = 0;
  if (t.ntokens() < 6 || t[0] != "set" || !safe_strtoul(t[4], length)) {
    request.reply = reply::kUnauthenticated;
    return {DecodeStatus::kRequest, frame.consumed, true};
  }
  const std::size_t token_length = std::size_t{length} + reply::kCrlf.size();
  if (token_length > kMaxAuthToken) {
    close_reason_ = "an authentication token over 4096 bytes";
    return {DecodeStatus::kClose};
  }
  if (input.size() - frame.consumed < token_length) return {};  // the line is framed again
  const std::string_view token = input.substr(frame.consumed, token_length);
  const DecodeResult result{DecodeStatus::kRequest, frame.consumed + token_length, true};
  if (!token.ends_with(reply::kCrlf)) {
    request.reply = reply::kBadLineTermination;
    return result;
  }
  const Tokens words = tokenize(token.substr(0, length));
  if (words.count < 2) {
    request.reply = reply::kBadAuthTokenFormat;
    return result;
  }
  request.command = AsciiAuthRequest{words[0], words[1]};
  return result;
}

void TextDecoder::accept_value(storage::NewItem&& item) noexcept {
  pending_.item = std::move(item);
  filled_ = 0;
  trailer_seen_ = 0;
  phase_ = Phase::kValue;
}

void TextDecoder::refuse_value() noexcept {
  // memcached swallows the refused value and its "\r\n" (SERVER_ERROR object too large).
  skip_left_ = std::uint64_t{announced_length_} + reply::kCrlf.size();
  phase_ = Phase::kSkip;
}

std::span<char> TextDecoder::value_sink() noexcept {
  if (phase_ != Phase::kValue) return {};
  return pending_.item.value().subspan(filled_);
}

void TextDecoder::value_received(std::size_t n) noexcept {
  if (phase_ != Phase::kValue) return;
  filled_ += std::min(n, pending_.item.value().size() - filled_);
}

DecodeResult TextDecoder::read_value(std::string_view input) {
  std::size_t used = 0;
  const std::span<char> value = pending_.item.value();
  if (filled_ < value.size()) {
    const std::size_t n = std::min(value.size() - filled_, input.size());
    if (n != 0) std::memcpy(value.data() + filled_, input.data(), n);
    filled_ += n;
    used = n;
  }
  while (filled_ == value.size() && trailer_seen_ < 2 && used < input.size()) {
    trailer_[trailer_seen_++] = input[used++];
  }
  if (trailer_seen_ < 2) return {DecodeStatus::kNeedMore, used};
  pending_.intact = trailer_[0] == '\r' && trailer_[1] == '\n';
  phase_ = Phase::kCommandLine;
  return {DecodeStatus::kValueComplete, used};
}

DecodeResult TextDecoder::skip(std::string_view input) {
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_left_, input.size()));
  skip_left_ -= n;
  if (skip_left_ != 0) return {DecodeStatus::kNeedMore, n};
  phase_ = Phase::kCommandLine;
  return {DecodeStatus::kSkipped, n};
}

}  // namespace memstripe::protocol
