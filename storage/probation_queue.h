// S3-FIFO's small queue for one size class: the items stored lately, oldest first, each
// as its chunk's offset and its key's fingerprint. A new item has until it reaches the
// front to be read; then it goes (its key remembered in GhostKeys) or stays in the class
// as CLOCK's (S3-FIFO's main queue). Items are not linked to their entry: an entry whose
// chunk has since been freed, reused for another key, or moved to another class with its
// page is recognised when it reaches the front (MemoryManager checks) and dropped.
//
// Not thread-safe: used with its class's ChunkPool mutex held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "storage/item.h"

namespace memstripe::storage {

class ProbationQueue {
 public:
  struct Entry {
    ItemOffset item;
    std::uint32_t fingerprint;
  };

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  void push(Entry entry) {
    if (size_ == ring_.size()) grow();
    ring_[(head_ + size_) & (ring_.size() - 1)] = entry;
    ++size_;
  }
  // The oldest entry; the queue must not be empty.
  Entry pop() noexcept {
    Entry e = ring_[head_];
    head_ = (head_ + 1) & (ring_.size() - 1);
    --size_;
    return e;
  }

 private:
  void grow() {
    std::vector<Entry> bigger(ring_.empty() ? 64 : ring_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
    ring_.swap(bigger);
    head_ = 0;
  }

  std::vector<Entry> ring_;  // a power of two long
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace memstripe::storage
