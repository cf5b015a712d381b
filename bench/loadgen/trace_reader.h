// Reads a trace of requests for the cache-aside mode's replay (bench/README.md), a record
// at a time, so a trace of any length streams through:
// - csv: `time,key,size[,ttl]` per line, an optional header line, '#' comments. A key of
//   digits is that number; any other is its 64-bit FNV-1a hash. The time is not used (the
//   replay goes as fast as the server answers).
// - oracle-general: libCacheSim's oracleGeneral binary records, 24 bytes little-endian,
//   packed: uint32 clock_time, uint64 obj_id, uint32 obj_size, int64 next_access_vtime
//   (libCacheSim/traceReader/customizedReader/oracle/oracleGeneralBin.h).
// A record of size 0 is passed over, as libCacheSim's readers do by default; a larger
// size than --value-cap is cut to it. Both are counted.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "cache_aside_request.h"
#include "options.h"

namespace loadgen {

class TraceReader : public RequestSource {
 public:
  TraceReader(const std::string& path, TraceFormat format, std::uint32_t value_cap, std::uint32_t default_ttl);

  bool next(CacheAsideRequest& out) override;

  // Empty while the trace reads well; else why it stopped (the run's end).
  const std::string& error() const noexcept { return error_; }
  std::uint64_t records() const noexcept { return records_; }  // read and replayed
  std::uint64_t skipped() const noexcept { return skipped_; }  // of size 0
  std::uint64_t capped() const noexcept { return capped_; }

  static constexpr std::size_t kOracleGeneralRecord = 24;

 private:
  bool next_csv(CacheAsideRequest& out);
  bool next_oracle_general(CacheAsideRequest& out);
  bool fail(std::string why);
  // Fills in the rest of a record of `size` bytes; false when it is to be passed over.
  bool take(std::uint64_t size, CacheAsideRequest& out);

  std::ifstream in_;
  TraceFormat format_;
  std::uint32_t value_cap_;
  std::uint32_t default_ttl_;
  std::string line_;
  std::uint64_t line_number_ = 0;
  bool first_record_line_ = true;  // csv: the first line that is not blank or a comment
  std::uint64_t records_ = 0;
  std::uint64_t skipped_ = 0;
  std::uint64_t capped_ = 0;
  std::string error_;
};

// The id a CSV key names: its number when it is all digits (and fits), else its FNV-1a hash.
std::uint64_t trace_key_id(std::string_view key) noexcept;

}  // namespace loadgen
