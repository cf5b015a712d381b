// memcached's binary protocol as its clients see it (memcached 1.6.18's protocol_binary.h
// and doc/protocol-binary.txt): the 24-byte header, the opcodes and status codes these
// tools use, and the header's big-endian fields read and written in place. Pure code.
// It is the client's own copy of what protocol/binary_protocol.h says for the server, on
// purpose: bench/ links nothing of memstripe's, so a mistake in the server's reading of the
// format is not made again in the tools that check it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace client::binary {

inline constexpr std::uint8_t kRequestMagic = 0x80;
inline constexpr std::uint8_t kResponseMagic = 0x81;
inline constexpr std::size_t kHeaderSize = 24;
inline constexpr std::uint8_t kRawBytes = 0x00;  // the only data type there is

// Opcodes (protocol_binary_command).
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
  kTouch = 0x1c,
  kGat = 0x1d,
  kGatQ = 0x1e,
  kGatK = 0x23,
  kGatKQ = 0x24,
};

// Response status codes (protocol_binary_response_status).
enum Status : std::uint16_t {
  kSuccess = 0x0000,
  kKeyNotFound = 0x0001,
  kKeyExists = 0x0002,
  kTooLarge = 0x0003,
  kInvalidArguments = 0x0004,
  kNotStored = 0x0005,
  kNonNumeric = 0x0006,
  kNotMyVbucket = 0x0007,
  kAuthError = 0x0020,
  kAuthContinue = 0x0021,
  kUnknownCommand = 0x0081,
  kOutOfMemory = 0x0082,
  kNotSupported = 0x0083,
  kInternalError = 0x0084,
  kBusy = 0x0085,
  kTemporaryFailure = 0x0086,
};

// Header field offsets, the same in requests and responses (a response's vbucket field
// carries its status).
inline constexpr std::size_t kMagicAt = 0;
inline constexpr std::size_t kOpcodeAt = 1;
inline constexpr std::size_t kKeyLengthAt = 2;
inline constexpr std::size_t kExtrasLengthAt = 4;
inline constexpr std::size_t kDataTypeAt = 5;
inline constexpr std::size_t kStatusAt = 6;  // a request's vbucket id
inline constexpr std::size_t kBodyLengthAt = 8;
inline constexpr std::size_t kOpaqueAt = 12;
inline constexpr std::size_t kCasAt = 16;

// Whether a response to `opcode` carries an item (flags in its extras, then its key when
// the opcode is a K form, then the value).
constexpr bool returns_item(std::uint8_t opcode) noexcept {
  switch (opcode) {
    case kGet: case kGetQ: case kGetK: case kGetKQ: case kGat: case kGatQ: case kGatK: case kGatKQ: return true;
    default: return false;
  }
}

inline std::uint16_t load16(const char* p) noexcept {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint16_t>((u[0] << 8) | u[1]);
}
inline std::uint32_t load32(const char* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline std::uint64_t load64(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}
inline void store16(char* p, std::uint16_t v) noexcept {
  p[0] = static_cast<char>(v >> 8);
  p[1] = static_cast<char>(v);
}
inline void store32(char* p, std::uint32_t v) noexcept {
  v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

// Writes a request header at `p` (vbucket 0, CAS 0, raw bytes).
inline void write_request_header(char* p, std::uint8_t opcode, std::uint16_t key_length,
                                 std::uint8_t extras_length, std::uint32_t body_length,
                                 std::uint32_t opaque) noexcept {
  std::memset(p, 0, kHeaderSize);
  p[kMagicAt] = static_cast<char>(kRequestMagic);
  p[kOpcodeAt] = static_cast<char>(opcode);
  store16(p + kKeyLengthAt, key_length);
  p[kExtrasLengthAt] = static_cast<char>(extras_length);
  store32(p + kBodyLengthAt, body_length);
  store32(p + kOpaqueAt, opaque);
}

}  // namespace client::binary
