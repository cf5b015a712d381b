// Hands the cache-aside mode's connections their next get, in one sequence for the whole
// run (one thread: no locks), numbered from 0: the first `warmup` warm the cache, the
// `measured` after them are counted (0: until the source runs out).
#pragma once

#include <cstdint>

#include "cache_aside_request.h"

namespace loadgen {

class RequestFeed {
 public:
  RequestFeed(RequestSource& source, std::uint64_t warmup, std::uint64_t measured) noexcept
      : source_(source), warmup_(warmup), end_(measured ? warmup + measured : UINT64_MAX) {}

  // The next request and its place in the sequence; false when the run has no more.
  bool next(CacheAsideRequest& out, std::uint64_t& sequence) {
    if (exhausted_ || handed_out_ >= end_ || !source_.next(out)) {
      exhausted_ = true;
      return false;
    }
    sequence = handed_out_++;
    return true;
  }
  bool exhausted() const noexcept { return exhausted_; }
  std::uint64_t warmup() const noexcept { return warmup_; }
  std::uint64_t handed_out() const noexcept { return handed_out_; }

 private:
  RequestSource& source_;
  std::uint64_t warmup_;
  std::uint64_t end_;
  std::uint64_t handed_out_ = 0;
  bool exhausted_ = false;
};

}  // namespace loadgen
