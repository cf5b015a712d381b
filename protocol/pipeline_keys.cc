#include "protocol/pipeline_keys.h"

#include <cstdint>

#include "protocol/binary_protocol.h"
#include "storage/cache_types.h"

namespace memstripe::protocol {
namespace {

class KeyList {
 public:
  explicit KeyList(std::span<std::string_view> keys) noexcept : keys_(keys) {}
  void add(std::string_view key) noexcept {
    if (!full() && !key.empty() && key.size() <= storage::kMaxKeyLength) keys_[count_++] = key;
  }
  bool full() const noexcept { return count_ == keys_.size(); }
  std::size_t count() const noexcept { return count_; }

 private:
  std::span<std::string_view> keys_;
  std::size_t count_ = 0;
};

}  // namespace

std::size_t binary_pipeline_keys(std::string_view input, std::span<std::string_view> keys) noexcept {
  using namespace binary;
  KeyList found(keys);
  while (!found.full() && input.size() >= kHeaderSize) {
    const RequestHeader h = read_header(input.data());
    if (h.magic != kRequestMagic) break;
    const std::size_t key_at = kHeaderSize + h.extras_length;
    if (std::size_t{h.key_length} + h.extras_length > h.body_length || key_at + h.key_length > input.size()) break;
    found.add(input.substr(key_at, h.key_length));
    const std::size_t length = kHeaderSize + std::size_t{h.body_length};
    if (length > input.size()) break;
    input.remove_prefix(length);
  }
  return found.count();
}

}  // namespace memstripe::protocol
