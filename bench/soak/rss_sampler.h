// Samples the resident memory (VmRSS in /proc/PID/status) of the processes a soak
// watches, and keeps every sample for the report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "options.h"

namespace soak {

struct RssSeries {
  Watched process;
  std::vector<std::uint64_t> kib;  // one per sample; 0 when the process was gone
  std::uint64_t max_kib() const;
  std::uint64_t last_kib() const { return kib.empty() ? 0 : kib.back(); }
};

// VmRSS of `pid` in KiB; 0 when it cannot be read.
std::uint64_t read_rss_kib(int pid);

class RssSampler {
 public:
  explicit RssSampler(const std::vector<Watched>& processes);
  void sample();
  const std::vector<RssSeries>& series() const noexcept { return series_; }
  std::vector<double> seconds;  // when each sample was taken, from the start

 private:
  std::vector<RssSeries> series_;
};

}  // namespace soak
