// memstripe-bench's command line: what to load, how hard, and where to report. Every
// default lives here, once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client/endpoint.h"
#include "client/tls_context.h"
#include "reply_outcome.h"

namespace loadgen {

enum class KeyDistribution : std::uint8_t { kUniform, kZipf };
// kMixed: memtier's shape, sets and gets in a fixed ratio over pre-filled keys.
// kCacheAside: as an application uses a cache: every request a get, a miss followed by a
// set of the key with its value (cache_aside_connection.h).
enum class Workload : std::uint8_t { kMixed, kCacheAside };
// The cache-aside mode's value sizes, each a function of the key (value_sizes.h).
enum class ValueDistribution : std::uint8_t { kFixed, kUniform, kLognormal };
enum class TraceFormat : std::uint8_t { kCsv, kOracleGeneral };

struct Options {
  client::Endpoint endpoint;  // --tcp or --unix, exactly one
  Protocol protocol = Protocol::kText;

  unsigned connections = 10;
  unsigned threads = 1;
  unsigned pipeline = 1;  // requests in flight per connection (closed loop)
  // Closed loop: send the pipeline's requests in one write and wait for all their replies
  // before the next batch, instead of sending each next request as a reply comes back.
  bool batch = false;

  std::uint64_t key_count = 100000;
  KeyDistribution distribution = KeyDistribution::kUniform;
  double zipf_skew = 0.99;
  unsigned key_size = 32;
  unsigned value_size = 32;
  unsigned set_ratio = 1;  // sets : gets, memtier's order
  unsigned get_ratio = 10;
  unsigned multiget = 1;  // keys per get request

  bool prefill = true;
  double duration_s = 10;
  std::uint64_t requests = 0;  // when set, each run stops after this many instead
  double warmup_s = 0;

  // Open loop: a fixed total request rate; latency counts from each scheduled send.
  double rate = 0;
  unsigned max_outstanding = 1024;  // per connection, open loop only

  // --tls: every connection a TLS session (TCP only), from the context parse_options loads.
  client::TlsOptions tls;
  std::shared_ptr<const client::TlsContext> tls_context;
  // A new connection (with TLS, a full handshake) for each request of the load phase.
  bool connection_per_request = false;
  // The cache-aside mode (--workload cache-aside, or --trace). -n counts its gets after
  // the warm-up; without -n it measures one request per key (a trace: to its end).
  Workload workload = Workload::kMixed;
  ValueDistribution value_distribution = ValueDistribution::kFixed;  // fixed: value_size
  unsigned value_min = 1;  // uniform in [value_min, value_max]
  unsigned value_max = 1000;
  double value_median = 230;  // lognormal: Twitter's median value (OSDI 2020)
  double value_sigma = 1.0;
  // No value is larger (a trace's are cut to it): under memcached's 1 MiB item limit (-I)
  // with the key and the item's header.
  unsigned value_cap = 1000000;
  double one_hit_wonders = 0;        // share of requests for keys never asked again
  std::uint64_t scan_every = 0;      // requests between scans (0: none)
  std::uint64_t scan_length = 0;     // keys per scan, each asked once
  unsigned ttl = 0;                  // exptime of every set (a trace's own ttl wins)
  std::uint64_t warmup_requests = 0;  // gets before measuring
  std::uint64_t interval_requests = 0;  // hit ratio per this many gets (0: a 20th of the run)
  std::string trace_path;            // --trace: replay this file's requests instead
  TraceFormat trace_format = TraceFormat::kCsv;

  std::uint64_t seed = 1;
  std::string json_path;  // "-" writes JSON to stdout
  bool quiet = false;

  bool is_tcp() const noexcept { return endpoint.is_tcp(); }
  bool cache_aside() const noexcept { return workload == Workload::kCacheAside; }
  bool replays_trace() const noexcept { return !trace_path.empty(); }
  bool open_loop() const noexcept { return rate > 0; }
  unsigned max_in_flight() const noexcept { return open_loop() ? max_outstanding : pipeline; }
  std::string target() const { return endpoint.name(); }
};

// The longest multi-get memstripe-bench sends; bounds per-request bookkeeping.
inline constexpr unsigned kMaxMultiget = 100;
inline constexpr unsigned kMaxKeySize = 250;  // memcached's key limit
// memcached reads a larger exptime as a Unix time.
inline constexpr unsigned kMaxRelativeTtl = 60 * 60 * 24 * 30;
// A trace's keys are 64-bit numbers written in decimal after a one-letter prefix.
inline constexpr unsigned kTraceKeySize = 21;

struct ParsedOptions {
  std::optional<Options> options;  // empty: exit with `exit_code` after printing `message`
  int exit_code = 0;
  std::string message;
};

ParsedOptions parse_options(int argc, char** argv);
// "text" or "binary", as --protocol takes it.
const char* protocol_name(Protocol protocol) noexcept;
// As --value-sizes and --trace-format take them.
const char* value_distribution_name(ValueDistribution distribution) noexcept;
const char* trace_format_name(TraceFormat format) noexcept;
std::string usage();

}  // namespace loadgen
