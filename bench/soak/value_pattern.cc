#include "value_pattern.h"

#include <cstring>

namespace soak {
namespace {

constexpr std::size_t kTableSpan = std::size_t{1} << 20;  // offsets: 0 .. 1 MiB
constexpr std::uint32_t kTagMask = 0xFFF;
constexpr unsigned char kSegmentStart = 0xA5;
constexpr unsigned char kSegmentEnd = 0x5A;

std::uint64_t mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::uint32_t tag(std::string_view key) noexcept { return static_cast<std::uint32_t>(key_hash(key)) & kTagMask; }

}  // namespace

std::string key_name(KeyKind kind, std::uint32_t index) {
  return static_cast<char>(kind) + std::string(":soak:") + std::to_string(index);
}

KeyKind kind_of(std::string_view key) noexcept {
  return key.empty() ? KeyKind::kPlain : static_cast<KeyKind>(key.front());
}

std::uint64_t key_hash(std::string_view key) noexcept {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) h = (h ^ c) * 1099511628211ull;
  return mix(h);
}

ValuePattern::ValuePattern() : table_(kTableSpan + kMaxValue + kMaxSegment, '\0') {
  std::uint64_t state = 0x50a4c0ffeeull;
  for (std::size_t i = 0; i < table_.size(); i += 8) {
    const std::uint64_t word = mix(state += 0x9e3779b97f4a7c15ull);
    std::memcpy(table_.data() + i, &word, std::min<std::size_t>(8, table_.size() - i));
  }
}

std::size_t ValuePattern::offset(std::uint64_t seed) const noexcept { return mix(seed) % kTableSpan; }

std::uint32_t ValuePattern::plain_flags(std::string_view key, std::uint32_t version) noexcept {
  return (version << 12) | tag(key);
}

std::string_view ValuePattern::plain_value(std::string_view key, std::uint32_t flags, std::size_t length) const noexcept {
  return std::string_view(table_).substr(offset(key_hash(key) ^ flags), length);
}

bool ValuePattern::plain_ok(std::string_view key, std::uint32_t flags, std::string_view value) const noexcept {
  return (flags & kTagMask) == tag(key) && value.size() <= kMaxValue && value == plain_value(key, flags, value.size());
}

std::string ValuePattern::segment(std::string_view key, std::size_t length) const {
  const std::uint64_t h = key_hash(key);
  std::string s(kSegmentHeader, '\0');
  s[0] = static_cast<char>(kSegmentStart);
  s[1] = static_cast<char>(length & 0xFF);
  s[2] = static_cast<char>((length >> 8) & 0xFF);
  const auto h32 = static_cast<std::uint32_t>(h);
  std::memcpy(s.data() + 3, &h32, 4);
  s[7] = static_cast<char>(kSegmentEnd);
  s.append(table_, offset(h + length), length);
  return s;
}

std::uint32_t ValuePattern::append_flags(std::string_view key) noexcept { return tag(key); }

bool ValuePattern::append_ok(std::string_view key, std::uint32_t flags, std::string_view value) const noexcept {
  if (flags != append_flags(key)) return false;
  const std::uint64_t h = key_hash(key);
  const auto h32 = static_cast<std::uint32_t>(h);
  while (!value.empty()) {
    if (value.size() < kSegmentHeader) return false;
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(value[i]); };
    const std::size_t length = b(1) | (std::size_t{b(2)} << 8);
    std::uint32_t named;
    std::memcpy(&named, value.data() + 3, 4);
    if (b(0) != kSegmentStart || b(7) != kSegmentEnd || named != h32 || length > kMaxSegment) return false;
    const std::string_view payload = value.substr(kSegmentHeader, length);
    if (payload.size() != length || payload != std::string_view(table_).substr(offset(h + length), length)) {
      return false;
    }
    value.remove_prefix(kSegmentHeader + length);
  }
  return true;
}

std::uint32_t ValuePattern::counter_flags(std::string_view key) noexcept { return tag(key); }

bool ValuePattern::counter_ok(std::string_view key, std::uint32_t flags, std::string_view value) noexcept {
  if (flags != counter_flags(key) || value.empty() || value.size() > 20) return false;
  // memcached's decr writes a shorter number in place, padded with spaces.
  const std::size_t digits = value.find_first_not_of("0123456789");
  if (digits == 0) return false;
  return digits == std::string_view::npos || value.find_first_not_of(' ', digits) == std::string_view::npos;
}

bool ValuePattern::value_ok(std::string_view key, std::uint32_t flags, std::string_view value) const noexcept {
  switch (kind_of(key)) {
    case KeyKind::kPlain: return plain_ok(key, flags, value);
    case KeyKind::kAppend: return append_ok(key, flags, value);
    case KeyKind::kCounter: return counter_ok(key, flags, value);
  }
  return false;
}

}  // namespace soak
