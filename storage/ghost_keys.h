// S3-FIFO's ghost queue: the fingerprints of keys its small queue evicted lately, so that
// a key stored again soon after is known as one that was wanted and skips the small queue.
// A fixed table of 4-way buckets; a full bucket loses a slot chosen by the fingerprint,
// so old keys are forgotten as new ones come (not strictly in order), with no links. Lock-free and
// approximate: a lost or a false fingerprint only sends one item to the wrong queue.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace memstripe::storage {

class GhostKeys {
 public:
  // Room for about `keys` fingerprints (rounded up to a power of two buckets).
  explicit GhostKeys(std::size_t keys)
      : mask_(std::bit_ceil(std::max<std::size_t>(keys / kWays, 1)) - 1),
        slots_(std::make_unique<std::atomic<std::uint32_t>[]>((mask_ + 1) * kWays)) {}

  // The memory the table holds, which the cache's budget pays for.
  std::size_t bytes() const noexcept { return (mask_ + 1) * kWays * sizeof(std::uint32_t); }

  static std::uint32_t fingerprint(std::uint64_t key_hash) noexcept {
    return static_cast<std::uint32_t>(key_hash >> 32) | 1;  // 0 marks an empty slot
  }

  void remember(std::uint32_t fingerprint) noexcept {
    std::atomic<std::uint32_t>* bucket = bucket_for(fingerprint);
    for (unsigned w = 0; w < kWays; ++w) {
      if (bucket[w].load(std::memory_order_relaxed) == 0) {
        bucket[w].store(fingerprint, std::memory_order_relaxed);
        return;
      }
    }
    bucket[(fingerprint >> 28) % kWays].store(fingerprint, std::memory_order_relaxed);
  }

  // Whether the key was remembered; it is forgotten either way.
  bool forget(std::uint32_t fingerprint) noexcept {
    std::atomic<std::uint32_t>* bucket = bucket_for(fingerprint);
    for (unsigned w = 0; w < kWays; ++w) {
      std::uint32_t expected = fingerprint;
      if (bucket[w].load(std::memory_order_relaxed) == fingerprint &&
          bucket[w].compare_exchange_strong(expected, 0, std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

 private:
  static constexpr unsigned kWays = 4;
  std::atomic<std::uint32_t>* bucket_for(std::uint32_t fingerprint) const noexcept {
    return &slots_[((fingerprint >> 1) & mask_) * kWays];
  }

  const std::size_t mask_;
  std::unique_ptr<std::atomic<std::uint32_t>[]> slots_;
};

}  // namespace memstripe::storage
