#include "cache_aside_request_writer.h"

#include <array>
#include <cstdio>
#include <cstring>

#include "send_buffer.h"

namespace loadgen {

char key_prefix(KeyClass key_class) noexcept {
  switch (key_class) {
    case KeyClass::kOneHitWonder: return 'o';
    case KeyClass::kScan: return 's';
    case KeyClass::kTrace: return 't';
    case KeyClass::kPopular:
    case KeyClass::kCount: break;
  }
  return 'k';
}

void write_class_key(KeyClass key_class, std::uint64_t key, unsigned size, char* out) noexcept {
  out[0] = key_prefix(key_class);
  for (unsigned i = size; i-- > 1;) {
    out[i] = static_cast<char>('0' + key % 10);
    key /= 10;
  }
}

void CacheAsideRequestWriter::append_get(const CacheAsideRequest& r, std::vector<char>& out) const {
  char* p = grow(out, 4 + key_size_ + 2);
  std::memcpy(p, "get ", 4);
  write_class_key(r.key_class, r.key, key_size_, p + 4);
  std::memcpy(p + 4 + key_size_, "\r\n", 2);
}

void CacheAsideRequestWriter::append_set(const CacheAsideRequest& r, std::vector<char>& out) const {
  // " 0 <ttl> <bytes>\r\n": two numbers of at most 10 digits.
  std::array<char, 32> suffix;
  const int written = std::snprintf(suffix.data(), suffix.size(), " 0 %u %u\r\n", r.ttl, r.value_size);
  const std::size_t suffix_size = static_cast<std::size_t>(written);
  char* p = grow(out, 4 + key_size_ + suffix_size + r.value_size + 2);
  std::memcpy(p, "set ", 4);
  p += 4;
  write_class_key(r.key_class, r.key, key_size_, p);
  p += key_size_;
  std::memcpy(p, suffix.data(), suffix_size);
  p += suffix_size;
  const std::string_view value = values_.value(r.key_class, r.key, r.value_size);
  std::memcpy(p, value.data(), value.size());
  std::memcpy(p + value.size(), "\r\n", 2);
}

bool CacheAsideRequestWriter::is_key_of(std::string_view key, const CacheAsideRequest& r) const noexcept {
  if (key.size() != key_size_) return false;
  std::array<char, 256> expected;
  write_class_key(r.key_class, r.key, key_size_, expected.data());
  return std::memcmp(key.data(), expected.data(), key_size_) == 0;
}

}  // namespace loadgen
