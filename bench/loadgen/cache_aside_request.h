// One request of the cache-aside mode: a get of `key`, and on a miss a set of its value.
// Where it comes from (a synthetic stream, a trace) says which class of key it is.
#pragma once

#include <cstdint>

namespace loadgen {

// Each class of key is numbered from 0 in a space of its own, written with its own prefix
// letter (cache_aside_request_writer.h): a one-hit wonder never collides with a popular key.
enum class KeyClass : std::uint8_t {
  kPopular,       // the Zipf or uniform key space
  kOneHitWonder,  // asked once, never again
  kScan,          // a scan's sweep: each asked once
  kTrace,         // a trace's object id
  kCount
};

// Where the stream stands with its scans when a request is made: what a scan does to the
// popular keys' hit ratio is read from these (before the first scan, during one, after).
enum class ScanPhase : std::uint8_t { kBefore, kDuring, kAfter, kCount };

struct CacheAsideRequest {
  std::uint64_t key = 0;
  std::uint32_t value_size = 0;  // the bytes a miss sets
  std::uint32_t ttl = 0;         // the set's exptime
  KeyClass key_class = KeyClass::kPopular;
  ScanPhase scan_phase = ScanPhase::kBefore;
};

// Where the cache-aside mode's requests come from: a synthetic stream or a trace.
class RequestSource {
 public:
  virtual ~RequestSource() = default;
  // The next request; false when there are no more.
  virtual bool next(CacheAsideRequest& out) = 0;
};

}  // namespace loadgen
