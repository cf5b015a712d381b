#include "rss_sampler.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace soak {

std::uint64_t RssSeries::max_kib() const { return kib.empty() ? 0 : *std::max_element(kib.begin(), kib.end()); }

std::uint64_t read_rss_kib(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::uint64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

RssSampler::RssSampler(const std::vector<Watched>& processes) {
  for (const Watched& w : processes) series_.push_back(RssSeries{w, {}});
}

void RssSampler::sample() {
  for (RssSeries& s : series_) s.kib.push_back(read_rss_kib(s.process.pid));
}

}  // namespace soak
