// Replies waiting for the socket: text in fixed blocks, large values by reference to their
// item (never copied), handed to the server as an iovec list for one gathered write.
//
// Bytes already queued never move: appending more (a pipelined command answered while a
// write is in flight) leaves the iovecs from an earlier gather() valid until consume()
// drops those bytes. Blocks are recycled, so a warm queue appends without allocating.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "storage/item.h"

namespace memstripe::protocol {

class OutputQueue {
 public:
  // Values shorter than this are copied next to their header: a small memcpy costs less
  // than pinning the item and an extra iovec entry.
  static constexpr std::size_t kCopyValuesBelow = 512;
  // Text goes into blocks of this size; a longer single reservation gets a block of its own.
  static constexpr std::size_t kBlockSize = 16 * 1024;

  OutputQueue() = default;
  OutputQueue(const OutputQueue&) = delete;
  OutputQueue& operator=(const OutputQueue&) = delete;
  OutputQueue(OutputQueue&&) noexcept = default;
  OutputQueue& operator=(OutputQueue&&) noexcept = default;
  ~OutputQueue() = default;

  void append(std::string_view text);
  // Room for up to `n` bytes of text written in place; commit() says how many were used.
  // Nothing else may be appended between the two.
  char* reserve(std::size_t n);
  void commit(std::size_t used) noexcept;
  // The item's value, referenced while it waits (copied when short).
  void append_value(const storage::ItemRef& item);

  bool empty() const noexcept { return pending_ == 0; }
  std::size_t pending_bytes() const noexcept { return pending_; }

  // Fills up to `max_entries` iovecs with the next bytes to send; returns how many.
  std::size_t gather(iovec* iov, std::size_t max_entries) const noexcept;
  // `n` bytes were sent: drops them, and the references to values fully sent.
  void consume(std::size_t n) noexcept;
  // Drops everything queued (a connection being reset).
  void clear() noexcept;
  // Gives back every block not in use (an idle connection's memory); the next append
  // allocates again.
  void release_memory() noexcept;

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t capacity = 0;
    std::size_t used = 0;
  };
  struct Segment {
    const char* data = nullptr;
    std::size_t length = 0;
    std::uint64_t block = kNoBlock;  // the text block holding `data`; kNoBlock for a value
    storage::ItemRef item;           // a referenced value
  };
  static constexpr std::uint64_t kNoBlock = ~std::uint64_t{0};
  // Spare standard blocks kept for reuse beyond the one being written.
  static constexpr std::size_t kMaxSpareBlocks = 2;

  Block& writable_block(std::size_t n);
  void push_text(const char* data, std::size_t length);
  void recycle_blocks_before(std::uint64_t block) noexcept;
  void recycle(Block&& block) noexcept;

  // blocks_[i] is block number first_block_ + i; text is written into the last one.
  std::vector<Block> blocks_;
  std::uint64_t first_block_ = 0;
  std::vector<Block> spare_;
  std::vector<Segment> segments_;
  std::size_t first_segment_ = 0;  // segments before this one are sent
  std::size_t first_offset_ = 0;   // bytes of the first segment already sent
  std::size_t pending_ = 0;
};

}  // namespace memstripe::protocol
