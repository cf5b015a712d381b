#include "protocol/base64.h"

#include <array>
#include <cstdint>

namespace memstripe::protocol {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t kNotInAlphabet = 0x80;

// '=' decodes as 0 and counts towards the block, as in memcached's table.
constexpr std::array<std::uint8_t, 256> make_decode_table() {
  std::array<std::uint8_t, 256> table{};
  for (auto& entry : table) entry = kNotInAlphabet;
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::uint8_t>(i);
  table['='] = 0;
  return table;
}

constexpr std::array<std::uint8_t, 256> kDecode = make_decode_table();

}  // namespace

std::size_t base64_encode(std::string_view in, char* out) noexcept {
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t left = in.size();
  char* p = out;
  for (; left >= 3; left -= 3, src += 3) {
    *p++ = kAlphabet[src[0] >> 2];
    *p++ = kAlphabet[((src[0] & 0x03) << 4) | (src[1] >> 4)];
    *p++ = kAlphabet[((src[1] & 0x0f) << 2) | (src[2] >> 6)];
    *p++ = kAlphabet[src[2] & 0x3f];
  }
  if (left != 0) {
    *p++ = kAlphabet[src[0] >> 2];
    if (left == 1) {
      *p++ = kAlphabet[(src[0] & 0x03) << 4];
      *p++ = '=';
    } else {
      *p++ = kAlphabet[((src[0] & 0x03) << 4) | (src[1] >> 4)];
      *p++ = kAlphabet[(src[1] & 0x0f) << 2];
    }
    *p++ = '=';
  }
  return static_cast<std::size_t>(p - out);
}

std::size_t base64_decode(std::string_view in, char* out) noexcept {
  std::size_t count = 0;
  for (const char c : in) {
    if (kDecode[static_cast<unsigned char>(c)] != kNotInAlphabet) ++count;
  }
  if (count == 0 || count % 4 != 0) return 0;

  std::uint8_t block[4];
  std::size_t filled = 0;
  int pad = 0;
  char* p = out;
  for (const char c : in) {
    const std::uint8_t bits = kDecode[static_cast<unsigned char>(c)];
    if (bits == kNotInAlphabet) continue;
    if (c == '=') ++pad;
    block[filled++] = bits;
    if (filled < 4) continue;
    *p++ = static_cast<char>((block[0] << 2) | (block[1] >> 4));
    *p++ = static_cast<char>((block[1] << 4) | (block[2] >> 2));
    *p++ = static_cast<char>((block[2] << 6) | block[3]);
    filled = 0;
    if (pad != 0) {
      if (pad > 2) return 0;  // "A===" and "====" are refused
      p -= pad;
      break;
    }
  }
  return static_cast<std::size_t>(p - out);
}

}  // namespace memstripe::protocol
