// Read buffers of one worker thread. A connection holds a buffer only while it keeps bytes
// (an unfinished command); an idle connection gives it back, so ten thousand idle clients
// cost no read buffers at all. One thread uses a pool: no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace memstripe::server {

// A connection's input: bytes [begin, end) of data are read and not yet consumed.
struct InputBuffer {
  std::unique_ptr<char[]> data;
  // 32 bits: a buffer never grows past a few megabytes more than -I, at most 1 GiB.
  std::uint32_t capacity = 0;
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool held() const noexcept { return data != nullptr; }
  std::size_t size() const noexcept { return end - begin; }
  bool empty() const noexcept { return begin == end; }
  std::size_t space() const noexcept { return capacity - end; }
  // Moves the kept bytes to the front so that reads have the most room.
  void compact() noexcept;
};

class ReadBufferPool {
 public:
  // memcached reads into 16 KiB too: many pipelined requests fit, one syscall each.
  static constexpr std::size_t kBufferSize = 16 * 1024;
  // Free buffers kept per thread; beyond that they go back to the allocator.
  static constexpr std::size_t kMaxFree = 64;

  ReadBufferPool() { free_.reserve(kMaxFree); }
  ReadBufferPool(const ReadBufferPool&) = delete;
  ReadBufferPool& operator=(const ReadBufferPool&) = delete;

  // Gives `buffer` a kBufferSize buffer, empty.
  void take(InputBuffer& buffer);
  // Takes the buffer back (it must hold no bytes worth keeping). Grown buffers are freed.
  void give(InputBuffer& buffer) noexcept;

  // Makes room for a line longer than the buffer: doubles it, up to `limit` bytes.
  // Returns false when the buffer is already that large.
  static bool grow(InputBuffer& buffer, std::size_t limit);

  std::size_t free_count() const noexcept { return free_.size(); }

 private:
  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace memstripe::server
