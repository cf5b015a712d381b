// The one clock memstripe-bench reads: monotonic nanoseconds, a vDSO call (~20 ns).
#pragma once

#include <time.h>

#include <cstdint>

namespace loadgen {

using Nanos = std::int64_t;

inline Nanos now_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<Nanos>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline Nanos seconds_to_ns(double s) noexcept { return static_cast<Nanos>(s * 1e9); }

inline constexpr Nanos kNever = INT64_MAX;

}  // namespace loadgen
