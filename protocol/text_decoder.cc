#include "protocol/text_decoder.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "protocol/line_decoders.h"
#include "protocol/responses.h"

namespace memstripe::protocol {

DecodeResult TextDecoder::decode(std::string_view input, TextRequest& request, MetaRequest& meta) {
  switch (phase_) {
    case Phase::kValue: return read_value(input);
    case Phase::kSkip: return skip(input);
    case Phase::kCommandLine: break;
  }
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
