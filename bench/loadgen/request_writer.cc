#include "request_writer.h"

#include <cstring>

#include "key_chooser.h"
#include "send_buffer.h"

namespace loadgen {

std::string value_bytes(unsigned value_size) {
  std::string value;
  value.reserve(value_size + 2);
  for (unsigned i = 0; i < value_size; ++i) value.push_back(static_cast<char>('a' + (i * 7) % 26));
  return value;
}

RequestWriter::RequestWriter(unsigned key_size, unsigned value_size, Protocol protocol)
    : protocol_(protocol),
      key_size_(key_size),
      set_suffix_(" 0 0 " + std::to_string(value_size) + "\r\n"),
      value_(value_bytes(value_size) + "\r\n"),
      binary_(key_size, value_size) {}

std::size_t RequestWriter::max_request_size(unsigned keys) const noexcept {
  if (protocol_ == Protocol::kBinary) return binary_.max_request_size(keys);
  const std::size_t get = 4 + keys * (key_size_ + 1) + 1;
  const std::size_t set = 4 + key_size_ + set_suffix_.size() + value_.size();
  return get > set ? get : set;
}

std::uint32_t RequestWriter::append_get(std::span<const std::uint32_t> keys, std::vector<char>& out,
                                        std::uint32_t opaque) const {
  if (protocol_ == Protocol::kBinary) return binary_.append_get(keys, opaque, out);
  char* p = grow(out, 4 + keys.size() * (key_size_ + 1) + 1);
  std::memcpy(p, "get", 3);
  p += 3;
  for (std::uint32_t key : keys) {
    *p++ = ' ';
    write_key(key, key_size_, p);
    p += key_size_;
  }
  std::memcpy(p, "\r\n", 2);
  return 0;
}

std::uint32_t RequestWriter::append_set(std::uint32_t key, std::vector<char>& out, std::uint32_t opaque) const {
  if (protocol_ == Protocol::kBinary) return binary_.append_set(key, opaque, out);
  char* p = grow(out, 4 + key_size_ + set_suffix_.size() + value_.size());
  std::memcpy(p, "set ", 4);
  p += 4;
  write_key(key, key_size_, p);
  p += key_size_;
  std::memcpy(p, set_suffix_.data(), set_suffix_.size());
  p += set_suffix_.size();
  std::memcpy(p, value_.data(), value_.size());
  return 0;
}

}  // namespace loadgen
