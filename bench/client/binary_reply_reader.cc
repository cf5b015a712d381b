#include "client/binary_reply_reader.h"

#include <algorithm>

#include "client/binary_protocol.h"

namespace client {

using namespace binary;

ReplyCode binary_reply_code(std::uint8_t opcode, std::uint16_t status) noexcept {
  switch (status) {
    case kSuccess: break;
    case kKeyNotFound: return ReplyCode::kNotFound;
    case kKeyExists: return ReplyCode::kExists;
    case kNotStored: return ReplyCode::kNotStored;
    case kUnknownCommand: return ReplyCode::kError;
    case kInvalidArguments: case kNonNumeric: case kNotMyVbucket: case kAuthError: case kAuthContinue:
      return ReplyCode::kClientError;
    // Too large: what the text protocol says as "SERVER_ERROR object too large for cache".
    case kTooLarge: case kOutOfMemory: case kNotSupported: case kInternalError: case kBusy:
    case kTemporaryFailure:
      return ReplyCode::kServerError;
    default: return ReplyCode::kOther;
  }
  if (returns_item(opcode)) return ReplyCode::kValue;
  switch (opcode) {
    case kSet: case kAdd: case kReplace: case kAppend: case kPrepend: case kSetQ: return ReplyCode::kStored;
    case kDelete: return ReplyCode::kDeleted;
    case kIncrement: case kDecrement: return ReplyCode::kNumber;
    case kTouch: return ReplyCode::kTouched;
    case kNoop: return ReplyCode::kMetaNoop;
    case kFlush: case kQuit: return ReplyCode::kOk;
    default: return ReplyCode::kOther;
  }
}

inline BinaryReplyReader::Event BinaryReplyReader::read_head(std::string_view data, std::size_t& consumed,
                                                             ReplyHead& head) noexcept {
  if (data.size() < kHeaderSize) return Event::kNeedMore;
  const char* p = data.data();
  if (static_cast<std::uint8_t>(p[kMagicAt]) != kResponseMagic) return malformed("a response without magic 0x81");
  if (p[kDataTypeAt] != kRawBytes) return malformed("a response of a data type other than raw bytes");
  const std::size_t key_length = load16(p + kKeyLengthAt);
  const std::size_t extras_length = static_cast<std::uint8_t>(p[kExtrasLengthAt]);
  const std::uint64_t body_length = load32(p + kBodyLengthAt);
  if (key_length > kMaxKey) return malformed("a response with a key longer than 250 bytes");
  if (extras_length + key_length > body_length) return malformed("a response whose key and extras overrun its body");
  head.opcode = static_cast<std::uint8_t>(p[kOpcodeAt]);
  head.status = load16(p + kStatusAt);
  head.opaque = load32(p + kOpaqueAt);
  head.cas = load64(p + kCasAt);
  head.code = binary_reply_code(head.opcode, head.status);
  const std::size_t key_at = kHeaderSize + extras_length;
  if (head.code == ReplyCode::kValue) {
    if (extras_length != 4) return malformed("an item without its 4 bytes of flags");
    if (data.size() < key_at + key_length) return Event::kNeedMore;
    head.flags = load32(p + kHeaderSize);
    head.key = data.substr(key_at, key_length);
    head.text = {};
    head.value_bytes = body_length - extras_length - key_length;
    if (head.value_bytes > kMaxValueBytes) return malformed("a value longer than 4 GiB");
    consumed = key_at + key_length;
    in_block_ = true;
    block_remaining_ = head.value_bytes;
    return Event::kHead;
  }
  if (body_length > kMaxMessage) return malformed("a response without an item longer than 2048 bytes");
  if (data.size() < kHeaderSize + body_length) return Event::kNeedMore;
  head.key = data.substr(key_at, key_length);
  head.text = data.substr(key_at + key_length, body_length - extras_length - key_length);
  if (head.code == ReplyCode::kNumber) {
    if (head.text.size() != 8) return malformed("a counter's response without its 8-byte value");
    head.number = load64(head.text.data());
  }
  consumed = kHeaderSize + body_length;
  return Event::kHead;
}

inline std::size_t BinaryReplyReader::skip(std::string_view data) noexcept {
  const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(block_remaining_, data.size()));
  block_remaining_ -= take;
  in_block_ = block_remaining_ > 0;
  return take;
}

BinaryReplyReader::Event BinaryReplyReader::read(std::string_view data, std::size_t& consumed, ReplyHead& head,
                                                 std::string_view& block) noexcept {
  consumed = 0;
  if (!in_block_) {
    const Event event = read_head(data, consumed, head);
    if (event != Event::kHead || !in_block_ || blocks_ == Blocks::kWhole) return event;
    consumed += skip(data.substr(consumed));  // what of the value came with its head
    return Event::kHead;
  }
  if (blocks_ == Blocks::kSkipped) {
    consumed = skip(data);
    return in_block_ ? Event::kNeedMore : Event::kBlock;
  }
  if (data.size() < block_remaining_) return Event::kNeedMore;
  block = data.substr(0, block_remaining_);
  consumed = block_remaining_;
  in_block_ = false;
  return Event::kBlock;
}

}  // namespace client
