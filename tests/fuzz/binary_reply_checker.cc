#include "binary_reply_checker.h"

#include "protocol/binary_protocol.h"

namespace memstripe::fuzz {
namespace {

using namespace protocol::binary;

bool known_status(std::uint16_t status) noexcept {
  switch (status) {
    case kSuccess:
    case kKeyNotFound:
    case kKeyExists:
    case kTooLarge:
    case kInvalidArguments:
    case kNotStored:
    case kNonNumeric:
    case kAuthError:
    case kAuthContinue:
    case kUnknownCommand:
    case kOutOfMemory: return true;
    default: return false;
  }
}

}  // namespace

bool BinaryReplyChecker::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool BinaryReplyChecker::feed(std::string_view bytes) {
  if (!error_.empty()) return false;
  bytes_ += bytes.size();
  partial_.append(bytes);
  std::size_t at = 0;
  while (partial_.size() - at >= kHeaderSize) {
    const std::size_t body = read32(partial_.data() + at + 8);
    if (partial_.size() - at < kHeaderSize + body) break;
    if (!packet(std::string_view(partial_).substr(at, kHeaderSize + body))) return false;
    at += kHeaderSize + body;
  }
  partial_.erase(0, at);
  return true;
}

bool BinaryReplyChecker::packet(std::string_view p) {
  const auto magic = static_cast<std::uint8_t>(p[0]);
  const auto opcode = static_cast<std::uint8_t>(p[1]);
  const std::size_t key = read16(p.data() + 2);
  const std::size_t extras = static_cast<std::uint8_t>(p[4]);
  const std::uint16_t status = read16(p.data() + 6);
  const std::size_t body = p.size() - kHeaderSize;
  if (magic != kResponseMagic) return fail("a packet without the response magic");
  if (p[5] != 0) return fail("a packet whose data type is not raw bytes");
  if (!known_status(status)) return fail("a status memcached does not send: " + std::to_string(status));
  if (key + extras > body) return fail("a packet whose key and extras overrun its body");
  if (status != kSuccess && status != kAuthContinue && extras != 0) return fail("an error with extras");
  ++replies_;
  if (opcode == kStat && status == kSuccess && key != 0) {
    // The stat's name, not its value: values depend on the machine and on timing.
    digest_.add(p.substr(0, 24 + extras + key));
    return true;
  }
  digest_.add(p);
  return true;
}

}  // namespace memstripe::fuzz
