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

  std::uint64_t seed = 1;
  std::string json_path;  // "-" writes JSON to stdout
  bool quiet = false;

  bool is_tcp() const noexcept { return endpoint.is_tcp(); }
  bool open_loop() const noexcept { return rate > 0; }
  unsigned max_in_flight() const noexcept { return open_loop() ? max_outstanding : pipeline; }
  std::string target() const { return endpoint.name(); }
};

// The longest multi-get memstripe-bench sends; bounds per-request bookkeeping.
inline constexpr unsigned kMaxMultiget = 100;
inline constexpr unsigned kMaxKeySize = 250;  // memcached's key limit

struct ParsedOptions {
  std::optional<Options> options;  // empty: exit with `exit_code` after printing `message`
  int exit_code = 0;
  std::string message;
};

ParsedOptions parse_options(int argc, char** argv);
// "text" or "binary", as --protocol takes it.
const char* protocol_name(Protocol protocol) noexcept;
std::string usage();

}  // namespace loadgen
