// memcached's binary protocol (doc/protocol-binary.txt, protocol_binary.h of 1.6.18): the
// magic bytes, opcodes, status codes and the texts memcached sends with them, written
// once. Every number on the wire is big-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memstripe::protocol::binary {

inline constexpr std::uint8_t kRequestMagic = 0x80;
inline constexpr std::uint8_t kResponseMagic = 0x81;
inline constexpr std::size_t kHeaderSize = 24;

enum Opcode : std::uint8_t {
  kGet = 0x00,
  kSet = 0x01,
  kAdd = 0x02,
  kReplace = 0x03,
  kDelete = 0x04,
  kIncrement = 0x05,
  kDecrement = 0x06,
  kQuit = 0x07,
  kFlush = 0x08,
  kGetQ = 0x09,
  kNoop = 0x0a,
  kVersion = 0x0b,
  kGetK = 0x0c,
  kGetKQ = 0x0d,
  kAppend = 0x0e,
  kPrepend = 0x0f,
  kStat = 0x10,
  kSetQ = 0x11,
  kAddQ = 0x12,
  kReplaceQ = 0x13,
  kDeleteQ = 0x14,
  kIncrementQ = 0x15,
  kDecrementQ = 0x16,
  kQuitQ = 0x17,
  kFlushQ = 0x18,
  kAppendQ = 0x19,
  kPrependQ = 0x1a,
  kTouch = 0x1c,
  kGat = 0x1d,
  kGatQ = 0x1e,
  kSaslListMechs = 0x20,
  kSaslAuth = 0x21,
  kSaslStep = 0x22,
  kGatK = 0x23,
  kGatKQ = 0x24,
};

enum Status : std::uint16_t {
  kSuccess = 0x00,
  kKeyNotFound = 0x01,
  kKeyExists = 0x02,
  kTooLarge = 0x03,
  kInvalidArguments = 0x04,
  kNotStored = 0x05,
  kNonNumeric = 0x06,
  kAuthError = 0x20,
  kAuthContinue = 0x21,
  kUnknownCommand = 0x81,
  kOutOfMemory = 0x82,
};

// The body memcached sends with an error status (write_bin_error's texts).
inline constexpr std::string_view kNotFoundText = "Not found";
inline constexpr std::string_view kExistsText = "Data exists for key.";
inline constexpr std::string_view kTooLargeText = "Too large.";
inline constexpr std::string_view kInvalidArgumentsText = "Invalid arguments";
inline constexpr std::string_view kNotStoredText = "Not stored.";
inline constexpr std::string_view kNonNumericText = "Non-numeric server-side value for incr or decr";
inline constexpr std::string_view kAuthErrorText = "Auth failure.";
inline constexpr std::string_view kUnknownCommandText = "Unknown command";
inline constexpr std::string_view kOutOfMemoryText = "Out of memory";
// memcached's out_of_memory() texts, without their "SERVER_ERROR " prefix.
inline constexpr std::string_view kOutOfMemoryAllocatingText = "Out of memory allocating item";
inline constexpr std::string_view kOutOfMemoryIncrementingText = "Out of memory incrementing value";
inline constexpr std::string_view kOutOfMemoryCreatingText = "Out of memory allocating new item";
// A SASL success.
inline constexpr std::string_view kAuthenticatedText = "Authenticated";

// An increment's expiration that means "do not create the item when it is missing".
inline constexpr std::uint32_t kNoCreate = 0xffffffff;

// The extras each opcode carries.
inline constexpr std::size_t kStoreExtras = 8;        // flags, expiration
inline constexpr std::size_t kArithmeticExtras = 20;  // delta, initial, expiration
inline constexpr std::size_t kTouchExtras = 4;        // expiration
inline constexpr std::size_t kFlushExtras = 4;        // delay (optional)
inline constexpr std::size_t kFlagsExtras = 4;        // a get's reply: the item's flags

// A request's header, read from its first 24 bytes.
struct RequestHeader {
  std::uint8_t magic = 0;
  std::uint8_t opcode = 0;
  std::uint16_t key_length = 0;
  std::uint8_t extras_length = 0;
  std::uint32_t body_length = 0;
  std::uint32_t opaque = 0;  // echoed as it came, byte order untouched
  std::uint64_t cas = 0;
};

inline std::uint16_t read16(const char* p) noexcept {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>(b[0] << 8 | b[1]);
}
inline std::uint32_t read32(const char* p) noexcept {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}
inline std::uint64_t read64(const char* p) noexcept { return std::uint64_t{read32(p)} << 32 | read32(p + 4); }

inline char* write16(char* p, std::uint16_t v) noexcept {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
  return p + 2;
}
inline char* write32(char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
  return p + 4;
}
inline char* write64(char* p, std::uint64_t v) noexcept {
  return write32(write32(p, static_cast<std::uint32_t>(v >> 32)), static_cast<std::uint32_t>(v));
}

inline RequestHeader read_header(const char* p) noexcept {
  RequestHeader h;
  h.magic = static_cast<std::uint8_t>(p[0]);
  h.opcode = static_cast<std::uint8_t>(p[1]);
  h.key_length = read16(p + 2);
  h.extras_length = static_cast<std::uint8_t>(p[4]);
  h.body_length = read32(p + 8);
  __builtin_memcpy(&h.opaque, p + 12, sizeof h.opaque);
  h.cas = read64(p + 16);
  return h;
}

}  // namespace memstripe::protocol::binary
