// Reply queues of one worker thread. A connection holds a queue only while it has replies
// to send; between requests it gives the queue back, warm (its text block stays
// allocated), so a busy connection allocates nothing per reply and an idle one holds no
// reply memory at all. memcached keeps its response objects per thread the same way.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "protocol/output_queue.h"

namespace memstripe::server {

class OutputQueuePool {
 public:
  // Warm queues kept per thread (each holds a 16 KiB text block); beyond that, freed.
  static constexpr std::size_t kMaxFree = 32;

  OutputQueuePool() { free_.reserve(kMaxFree); }
  OutputQueuePool(const OutputQueuePool&) = delete;
  OutputQueuePool& operator=(const OutputQueuePool&) = delete;

  std::unique_ptr<protocol::OutputQueue> take() {
    if (free_.empty()) return std::make_unique<protocol::OutputQueue>();
    std::unique_ptr<protocol::OutputQueue> queue = std::move(free_.back());
    free_.pop_back();
    return queue;
  }

  // `queue` must hold nothing to send (or be cleared: its referenced values are dropped).
  void give(std::unique_ptr<protocol::OutputQueue>& queue) noexcept {
    if (!queue) return;
    queue->clear();
    if (free_.size() < kMaxFree) {
      free_.push_back(std::move(queue));  // within the reserved capacity: no allocation
    } else {
      queue.reset();
    }
  }

  std::size_t free_count() const noexcept { return free_.size(); }

 private:
  std::vector<std::unique_ptr<protocol::OutputQueue>> free_;
};

}  // namespace memstripe::server
