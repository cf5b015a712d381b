#include "storage/clock.h"

#include <chrono>

namespace memstripe::storage {
namespace {

std::int64_t monotonic_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Clock::Clock(std::time_t unix_start)
    : started_(unix_start - kStart), monotonic_origin_(monotonic_seconds()) {}

void Clock::tick() noexcept {
  auto elapsed = static_cast<std::uint32_t>(monotonic_seconds() - monotonic_origin_);
  now_.store(kStart + elapsed + offset_.load(std::memory_order_relaxed), std::memory_order_relaxed);
}

void Clock::advance(std::uint32_t seconds) noexcept {
  offset_.fetch_add(seconds, std::memory_order_relaxed);
  now_.fetch_add(seconds, std::memory_order_relaxed);
}

RelTime Clock::expiry_from(std::int64_t exptime) const noexcept {
  if (exptime == 0) return 0;
  if (exptime < 0) return kAlreadyExpired;
  if (exptime > kMaxRelativeExptime) {
    if (exptime <= started_) return kAlreadyExpired;
    return static_cast<RelTime>(exptime - started_);
  }
  return static_cast<RelTime>(exptime + now());
}

}  // namespace memstripe::storage
