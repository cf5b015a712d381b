// What one thread counts while it measures; threads' stats add up into the run's.
#pragma once

#include <array>
#include <cstdint>

#include "histogram.h"
#include "reply_parser.h"

namespace loadgen {

struct Counters {
  std::uint64_t requests = 0;  // replies received in the measured window
  std::uint64_t gets = 0;
  std::uint64_t sets = 0;
  std::uint64_t keys = 0;  // keys asked for by gets
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(ReplyError::kCount)> reply_errors{};
  std::uint64_t malformed = 0;          // replies that could not be read: connection dropped
  std::uint64_t connection_errors = 0;  // connections lost or refused
  std::uint64_t unanswered = 0;          // requests lost with their connection or at the deadline

  std::uint64_t errors() const noexcept {
    std::uint64_t n = malformed + connection_errors + unanswered;
    for (std::size_t i = 1; i < reply_errors.size(); ++i) n += reply_errors[i];
    return n;
  }
  Counters& operator+=(const Counters& o) noexcept {
    requests += o.requests;
    gets += o.gets;
    sets += o.sets;
    keys += o.keys;
    hits += o.hits;
    misses += o.misses;
    for (std::size_t i = 0; i < reply_errors.size(); ++i) reply_errors[i] += o.reply_errors[i];
    malformed += o.malformed;
    connection_errors += o.connection_errors;
    unanswered += o.unanswered;
    return *this;
  }
};

struct RunStats {
  Counters counters;
  Histogram latency;   // reply time minus send time (open loop: minus scheduled time)
  Histogram send_lag;  // open loop: how late requests left after their scheduled time
  std::int64_t last_reply_ns = 0;
  // Every reply of the load phase, warmup and the drain after the window included: what
  // the server served while it was watched from outside (CPU per request).
  std::uint64_t all_replies = 0;

  void merge(const RunStats& o) {
    counters += o.counters;
    latency.merge(o.latency);
    send_lag.merge(o.send_lag);
    if (o.last_reply_ns > last_reply_ns) last_reply_ns = o.last_reply_ns;
    all_replies += o.all_replies;
  }
};

}  // namespace loadgen
