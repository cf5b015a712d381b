// The cache's notion of time: whole seconds since the process started, as memcached's
// rel_time_t. The server's upkeep ticks it, every millisecond while clients send and up to
// once a second when they stop; tests move it by hand, so no test ever sleeps to make an
// item expire.
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>

namespace memstripe::storage {

// Seconds since the clock started. 0 in an exptime field means "never expires".
using RelTime = std::uint32_t;

class Clock {
 public:
  // memcached's realtime(): exptimes above 30 days are absolute unix times.
  static constexpr std::int64_t kMaxRelativeExptime = 60 * 60 * 24 * 30;
  // A RelTime that is always in the past: what a negative exptime becomes.
  static constexpr RelTime kAlreadyExpired = 1;

  // `unix_start` is the unix time that RelTime kStart stands for.
  explicit Clock(std::time_t unix_start = std::time(nullptr));

  RelTime now() const noexcept { return now_.load(std::memory_order_relaxed); }
  std::time_t unix_now() const noexcept { return started_ + now(); }
  std::time_t unix_started() const noexcept { return started_; }

  // Follows the monotonic clock, to the second; the server's upkeep calls it.
  void tick() noexcept;
  // Tests (and the server's debug clock) move time forward by hand.
  void advance(std::uint32_t seconds) noexcept;

  // A protocol exptime (already truncated to 32 bits by the parser, as memcached does) as
  // a RelTime: 0 never, negative already expired, up to 30 days relative, above that an
  // absolute unix time (in the past means already expired).
  RelTime expiry_from(std::int64_t exptime) const noexcept;

 private:
  // RelTime starts above kAlreadyExpired so that an absolute time of "now" is not "never".
  static constexpr RelTime kStart = 2;

  std::time_t started_;  // unix time at RelTime 0
  std::int64_t monotonic_origin_;
  std::atomic<std::uint32_t> offset_{0};  // seconds added by advance()
  std::atomic<RelTime> now_{kStart};
};

}  // namespace memstripe::storage
