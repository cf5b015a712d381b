// The cache-aside mode's synthetic requests, one sequence, deterministic given the seed:
// popular keys (Zipf or uniform, through KeyChooser); with --one-hit-wonders a share of
// requests for keys asked once and never again; with --scan-every K --scan-length S, after
// every K requests a scan of S keys, each asked once, alternating with the ordinary
// requests (a batch job sweeping a table beside the application's traffic, so the popular
// keys' hit ratio can be read during the scan as well as before and after it).
#pragma once

#include <cstdint>

#include "cache_aside_request.h"
#include "key_chooser.h"
#include "options.h"
#include "value_sizes.h"

namespace loadgen {

class CacheAsideStream : public RequestSource {
 public:
  explicit CacheAsideStream(const Options& options);

  bool next(CacheAsideRequest& out) override;  // never runs out

 private:
  CacheAsideRequest make(KeyClass key_class, std::uint64_t key, ScanPhase phase) const noexcept;

  KeyChooser keys_;
  Random coin_;  // one-hit wonder or popular: a stream of its own, so -k alone moves keys_
  ValueSizes sizes_;
  double one_hit_wonders_;
  std::uint64_t scan_every_;
  std::uint64_t scan_length_;
  std::uint32_t ttl_;

  std::uint64_t next_one_hit_wonder_ = 0;
  std::uint64_t next_scanned_ = 0;
  std::uint64_t since_scan_ = 0;  // ordinary requests since the last scan ended
  std::uint64_t scan_left_ = 0;   // keys of the running scan still to ask
  bool scan_turn_ = false;        // during a scan: the next request is the scan's
  bool scanned_ = false;          // a scan has ended
};

}  // namespace loadgen
