// How often the cache's upkeep runs (the clock, and the sweep that reclaims expired
// items), and how much of the sweep each run does. memcached's LRU maintainer sets the
// pattern: every millisecond while clients are busy, backing off to once a second when
// they stop. Short, frequent slices keep each sweep's hold on a size class's lock to a
// microsecond or so; one large slice a second held it for about a millisecond.
//
// Measured on a 2-core VM (bench/README.md, "Why the server wakes every millisecond"):
// a timer firing every millisecond on the server's core also makes each wake-up of an
// idle server cheaper, which is most of memcached's lead in one-connection round trips.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace memstripe::server {

class MaintenanceCadence {
 public:
  static constexpr std::chrono::milliseconds kBusyInterval{1};
  static constexpr std::chrono::milliseconds kIdleInterval{1000};
  // Chunks the sweep looks at per millisecond of interval, up to kMaxSweep per run.
  static constexpr std::size_t kSweepPerMillisecond = 64;
  static constexpr std::size_t kMaxSweep = 16 * 1024;

  // `fast` false (-o no_lru_maintainer): always once a second.
  explicit MaintenanceCadence(bool fast) noexcept : fast_(fast) {}

  // After a run: `activity` is a count that moves while clients send (bytes read). Any
  // change since the last run means busy; each quiet run doubles the wait.
  void observe(std::uint64_t activity) noexcept {
    const bool busy = activity != last_activity_;
    last_activity_ = activity;
    if (!fast_) return;
    interval_ = busy ? kBusyInterval : std::min(interval_ * 2, std::chrono::milliseconds(kIdleInterval));
  }

  std::chrono::milliseconds interval() const noexcept { return interval_; }
  std::size_t sweep_chunks() const noexcept {
    return std::min(kMaxSweep, kSweepPerMillisecond * static_cast<std::size_t>(interval_.count()));
  }

 private:
  bool fast_;
  std::chrono::milliseconds interval_ = kIdleInterval;
  std::uint64_t last_activity_ = 0;
};

}  // namespace memstripe::server
