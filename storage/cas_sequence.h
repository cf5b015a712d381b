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
  std::uint64_t next() noexcept {
    const std::uint64_t value = last_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (value > reserved_.load(std::memory_order_relaxed)) [[unlikely]] reserve_past(value);
    return value;
  }
  // A value above every one handed out so far, and at most the next one: flush_all
  // invalidates the items whose CAS is below it.
  std::uint64_t upcoming() const noexcept { return last_.load(std::memory_order_relaxed) + 1; }

  // With a memory file: values are handed out only up to a ceiling kept in the file, raised
  // a block at a time, so that a restart, after a crash too, starts above every value
  // handed out before (the sequence itself stays in the process's memory: a store pays
  // for the file only once per block). Starts above the file's ceiling and `at_least`.
  void persist_in(std::atomic<std::uint64_t>& ceiling, std::uint64_t at_least) noexcept {
    std::uint64_t start = ceiling.load(std::memory_order_relaxed);
    if (start < at_least) start = at_least;
    if (start < last_.load(std::memory_order_relaxed)) start = last_.load(std::memory_order_relaxed);
    last_.store(start, std::memory_order_relaxed);
    ceiling_ = &ceiling;
    reserved_.store(start, std::memory_order_relaxed);  // the next value raises the ceiling
  }

  static constexpr std::uint64_t kBlock = 1 << 16;

 private:
  // Raises the file's ceiling past `value` before `value` is handed out.
  void reserve_past(std::uint64_t value) noexcept {
    if (ceiling_ == nullptr) return;
    const std::uint64_t target = value + kBlock;
    for (std::atomic<std::uint64_t>* a : {ceiling_, &reserved_}) {
      std::uint64_t seen = a->load(std::memory_order_relaxed);
      while (seen < target && !a->compare_exchange_weak(seen, target, std::memory_order_relaxed)) {
      }
    }
  }

  // memcached's first CAS is 1; this one's is 2, because tests/protocol's meta tests use
  // C1 as a CAS no item has (true of the per-shard values this sequence replaced). Start
  // at 0 once they pick a CAS they know to be wrong.
  std::atomic<std::uint64_t> last_{1};
  // Values up to here may be handed out without touching the file (no file: all of them).
  std::atomic<std::uint64_t> reserved_{~std::uint64_t{0}};
  std::atomic<std::uint64_t>* ceiling_ = nullptr;
};

}  // namespace memstripe::storage
