#include "cache_aside_stream.h"

namespace loadgen {

CacheAsideStream::CacheAsideStream(const Options& o)
    : keys_(o, mix64(o.seed)),
      coin_(mix64(o.seed ^ 0x6f6e652d68697421ULL)),
      sizes_(o),
      one_hit_wonders_(o.one_hit_wonders),
      scan_every_(o.scan_every),
      scan_length_(o.scan_length),
      ttl_(o.ttl) {}

CacheAsideRequest CacheAsideStream::make(KeyClass key_class, std::uint64_t key, ScanPhase phase) const noexcept {
  CacheAsideRequest r;
  r.key = key;
  r.key_class = key_class;
  r.value_size = sizes_.of(key_class, key);
  r.ttl = ttl_;
  r.scan_phase = phase;
  return r;
}

bool CacheAsideStream::next(CacheAsideRequest& out) {
  if (scan_length_ > 0 && scan_left_ == 0 && since_scan_ >= scan_every_) {
    scan_left_ = scan_length_;
    scan_turn_ = true;
  }
  if (scan_left_ > 0 && scan_turn_) {
    scan_turn_ = false;
    out = make(KeyClass::kScan, next_scanned_++, ScanPhase::kDuring);
    if (--scan_left_ == 0) {
      since_scan_ = 0;
      scanned_ = true;
    }
    return true;
  }
  const ScanPhase phase = scan_left_ > 0 ? ScanPhase::kDuring : scanned_ ? ScanPhase::kAfter : ScanPhase::kBefore;
  if (scan_left_ > 0) scan_turn_ = true;
  else ++since_scan_;
  if (one_hit_wonders_ > 0 && coin_.unit() < one_hit_wonders_)
    out = make(KeyClass::kOneHitWonder, next_one_hit_wonder_++, phase);
  else
    out = make(KeyClass::kPopular, keys_.next(), phase);
  return true;
}

}  // namespace loadgen
