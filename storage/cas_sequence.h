// The cache's CAS values: one sequence, increasing across every key, as memcached's
// get_cas_id(). A client may compare two CAS values, of one key or of two, as versions:
// the later write has the larger one (meta `I` with `C` relies on it: an older CAS stores
// the item as stale). The sequence lives here alone, so that a warm restart can carry it
// on above every value handed out before.
#pragma once

#include <atomic>
#include <cstdint>

namespace memstripe::storage {

// A line of its own: every store writes it, and the fields beside it in Cache are read by
// every operation.
class alignas(64) CasSequence {
 public:
  // A value larger than every one handed out before. Called under the key's shard lock, so
  // a key's CAS values increase in the order its writes are applied.
  std::uint64_t next() noexcept { return last_.fetch_add(1, std::memory_order_relaxed) + 1; }
  // A value above every one handed out so far, and at most the next one: flush_all
  // invalidates the items whose CAS is below it.
  std::uint64_t upcoming() const noexcept { return last_.load(std::memory_order_relaxed) + 1; }
  // A restart: what comes next is above `value` too (a CAS found in the memory file).
  void move_past(std::uint64_t value) noexcept {
    if (last_.load(std::memory_order_relaxed) < value) last_.store(value, std::memory_order_relaxed);
  }

 private:
  // memcached's first CAS is 1; this one's is 2, because tests/protocol's meta tests use
  // C1 as a CAS no item has (true of the per-shard values this sequence replaced). Start
  // at 0 once they pick a CAS they know to be wrong.
  std::atomic<std::uint64_t> last_{1};
};

}  // namespace memstripe::storage
