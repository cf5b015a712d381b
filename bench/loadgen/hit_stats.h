// What the cache-aside mode counts: gets, hits and bytes, over the measured gets (those
// after the warm-up) as a whole, by class of key, for the popular keys by scan phase, and
// per interval of gets (the hit ratio over time); and the errors, warm-up included.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "cache_aside_request.h"
#include "histogram.h"
#include "reply_outcome.h"

namespace loadgen {

struct HitCounts {
  std::uint64_t gets = 0;
  std::uint64_t hits = 0;
  std::uint64_t bytes_requested = 0;  // the values' sizes the gets asked for
  std::uint64_t bytes_missed = 0;     // of those, the misses'

  std::uint64_t misses() const noexcept { return gets - hits; }
  double hit_ratio() const noexcept { return gets ? static_cast<double>(hits) / static_cast<double>(gets) : 0; }
  double byte_miss_ratio() const noexcept {
    return bytes_requested ? static_cast<double>(bytes_missed) / static_cast<double>(bytes_requested) : 0;
  }
  void add(bool hit, std::uint32_t bytes) noexcept {
    ++gets;
    hits += hit ? 1 : 0;
    bytes_requested += bytes;
    bytes_missed += hit ? 0 : bytes;
  }
};

struct HitStats {
  HitCounts measured;
  std::array<HitCounts, static_cast<std::size_t>(KeyClass::kCount)> by_class{};
  std::array<HitCounts, static_cast<std::size_t>(ScanPhase::kCount)> popular_by_scan_phase{};
  std::vector<HitCounts> intervals;  // measured gets [i * interval, (i + 1) * interval)
  std::uint64_t interval = 0;
  Histogram latency;  // measured gets, send to reply

  std::uint64_t warmup_gets = 0;
  std::uint64_t sets = 0;  // every miss's, warm-up included
  std::array<std::uint64_t, static_cast<std::size_t>(ReplyError::kCount)> reply_errors{};
  std::uint64_t corrupt_values = 0;  // hits whose value was not the key's
  std::uint64_t malformed = 0;
  std::uint64_t connection_errors = 0;
  std::uint64_t unanswered = 0;

  // A get's reply: `sequence` is the get's place in the request stream, warm-up first.
  void record_get(const CacheAsideRequest& request, std::uint64_t sequence, std::uint64_t warmup, bool hit,
                  std::uint64_t latency_ns) {
    if (sequence < warmup) {
      ++warmup_gets;
      return;
    }
    measured.add(hit, request.value_size);
    by_class[static_cast<std::size_t>(request.key_class)].add(hit, request.value_size);
    if (request.key_class == KeyClass::kPopular)
      popular_by_scan_phase[static_cast<std::size_t>(request.scan_phase)].add(hit, request.value_size);
    if (interval > 0) {
      const std::size_t i = static_cast<std::size_t>((sequence - warmup) / interval);
      if (i >= intervals.size()) intervals.resize(i + 1);
      intervals[i].add(hit, request.value_size);
    }
    latency.record(latency_ns);
  }

  std::uint64_t errors() const noexcept {
    std::uint64_t n = corrupt_values + malformed + connection_errors + unanswered;
    for (std::size_t i = 1; i < reply_errors.size(); ++i) n += reply_errors[i];
    return n;
  }
};

}  // namespace loadgen
