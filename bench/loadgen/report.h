// What a run found, as a table for people and as JSON for scripts (bench/compare).
#pragma once

#include <cstdint>
#include <ostream>

#include "options.h"
#include "run_stats.h"

namespace loadgen {

struct Report {
  const Options& options;
  unsigned connections_up = 0;
  double prefill_s = 0;
  std::uint64_t prefill_errors = 0;
  RunStats stats;
  double elapsed_s = 0;  // the measured window

  double ops_per_s() const noexcept { return elapsed_s > 0 ? stats.counters.requests / elapsed_s : 0; }
  double hit_ratio() const noexcept {
    const auto& c = stats.counters;
    return c.hits + c.misses ? static_cast<double>(c.hits) / static_cast<double>(c.hits + c.misses) : 0;
  }
};

void print_table(const Report& report, std::ostream& out);
void write_json(const Report& report, std::ostream& out);

}  // namespace loadgen
