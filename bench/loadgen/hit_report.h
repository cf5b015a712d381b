// What a cache-aside run found, as a table for people and as JSON for scripts
// (bench/compare-hits): hit and miss ratios after the warm-up, bytes, by class of key, by
// scan phase, over time, and the errors.
#pragma once

#include <cstdint>
#include <ostream>

#include "hit_stats.h"
#include "options.h"

namespace loadgen {

struct HitReport {
  const Options& options;
  const HitStats& stats;
  unsigned connections_up = 0;
  double elapsed_s = 0;          // the whole run, warm-up included
  std::uint64_t all_gets = 0;    // warm-up and measured
  // A trace's replay: its records replayed, passed over (size 0) and cut to the cap.
  std::uint64_t trace_records = 0;
  std::uint64_t trace_skipped = 0;
  std::uint64_t trace_capped = 0;
};

void print_hit_table(const HitReport& report, std::ostream& out);
void write_hit_json(const HitReport& report, std::ostream& out);

}  // namespace loadgen
