#include "binary_request_writer.h"

#include <cstring>

#include "client/binary_protocol.h"
#include "key_chooser.h"
#include "request_writer.h"
#include "send_buffer.h"

namespace loadgen {

namespace binary = client::binary;

namespace {

constexpr std::uint8_t kSetExtras = 8;  // flags, expiry

std::string frame(std::uint8_t opcode, unsigned key_size, std::uint8_t extras, const std::string& value) {
  std::string f(binary::kHeaderSize + extras + key_size, '\0');
  binary::write_request_header(f.data(), opcode, static_cast<std::uint16_t>(key_size), extras,
                               static_cast<std::uint32_t>(extras + key_size + value.size()), 0);
  return f + value;
}

// Appends `frame` with the key and opaque filled in.
inline void append_frame(const std::string& frame, std::size_t key_at, std::uint32_t key, unsigned key_size,
                         std::uint32_t opaque, std::vector<char>& out) {
  char* p = grow(out, frame.size());
  std::memcpy(p, frame.data(), frame.size());
  binary::store32(p + binary::kOpaqueAt, opaque);
  if (key_size > 0) write_key(key, key_size, p + key_at);
}

}  // namespace

BinaryRequestWriter::BinaryRequestWriter(unsigned key_size, unsigned value_size) : key_size_(key_size) {
  const std::string value = value_bytes(value_size);
  set_ = frame(binary::kSet, key_size, kSetExtras, value);
  getk_ = frame(binary::kGetK, key_size, 0, {});
  getkq_ = frame(binary::kGetKQ, key_size, 0, {});
  noop_ = frame(binary::kNoop, 0, 0, {});
}

std::size_t BinaryRequestWriter::max_request_size(unsigned keys) const noexcept {
  const std::size_t get = keys == 1 ? getk_.size() : keys * getkq_.size() + noop_.size();
  return get > set_.size() ? get : set_.size();
}

std::uint32_t BinaryRequestWriter::append_get(std::span<const std::uint32_t> keys, std::uint32_t opaque,
                                              std::vector<char>& out) const {
  if (keys.size() == 1) {
    append_frame(getk_, binary::kHeaderSize, keys[0], key_size_, opaque, out);
    return 1;
  }
  for (std::size_t i = 0; i < keys.size(); ++i)
    append_frame(getkq_, binary::kHeaderSize, keys[i], key_size_, opaque + static_cast<std::uint32_t>(i), out);
  append_frame(noop_, 0, 0, 0, opaque + static_cast<std::uint32_t>(keys.size()), out);
  return binary_frames(RequestKind::kGet, keys.size());
}

std::uint32_t BinaryRequestWriter::append_set(std::uint32_t key, std::uint32_t opaque, std::vector<char>& out) const {
  append_frame(set_, binary::kHeaderSize + kSetExtras, key, key_size_, opaque, out);
  return 1;
}

}  // namespace loadgen
