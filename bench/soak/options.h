// memstripe-soak's command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/endpoint.h"

namespace soak {

// A process whose resident memory is sampled: a label and a pid.
struct Watched {
  std::string label;
  int pid = 0;
};

struct Options {
  std::vector<client::Endpoint> endpoints;
  unsigned connections = 64;       // spread over the endpoints round-robin
  double seconds = 60;
  std::uint32_t plain_keys = 4000;
  std::uint32_t append_keys = 200;
  std::uint32_t counter_keys = 100;
  std::size_t max_value = 0;       // 0: ValuePattern::kMaxValue
  double interval = 1;             // seconds between RSS samples and progress lines
  std::uint64_t seed = 1;
  std::vector<Watched> watch;
  std::string json;                // write the report here too
  bool quiet = false;              // no progress lines
  bool help = false;
};

// Empty on success; otherwise the error to print.
std::string parse_options(int argc, char** argv, Options& options);
std::string usage();

}  // namespace soak
