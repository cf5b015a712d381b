#include "server/read_buffer_pool.h"

#include <algorithm>
#include <cstring>

namespace memstripe::server {

void InputBuffer::compact() noexcept {
  if (begin == 0) return;
  if (begin != end) std::memmove(data.get(), data.get() + begin, end - begin);
  end -= begin;
  begin = 0;
}

void ReadBufferPool::take(InputBuffer& buffer) {
  if (free_.empty()) {
    buffer.data = std::make_unique_for_overwrite<char[]>(kBufferSize);
  } else {
    buffer.data = std::move(free_.back());
    free_.pop_back();
  }
  buffer.capacity = kBufferSize;
  buffer.begin = buffer.end = 0;
}

void ReadBufferPool::give(InputBuffer& buffer) noexcept {
  if (buffer.capacity == kBufferSize && free_.size() < kMaxFree) {
    free_.push_back(std::move(buffer.data));  // within the reserved capacity: no allocation
  }
  buffer.data.reset();
  buffer.capacity = buffer.begin = buffer.end = 0;
}

bool ReadBufferPool::grow(InputBuffer& buffer, std::size_t limit) {
  if (buffer.capacity >= limit) return false;
  std::size_t capacity = std::min(limit, std::size_t{buffer.capacity} * 2);
  auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
  std::memcpy(bigger.get(), buffer.data.get() + buffer.begin, buffer.size());
  buffer.end = static_cast<std::uint32_t>(buffer.size());
  buffer.begin = 0;
  buffer.data = std::move(bigger);
  buffer.capacity = static_cast<std::uint32_t>(capacity);
  return true;
}

}  // namespace memstripe::server
