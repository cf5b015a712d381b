#include "options.h"

#include <algorithm>
#include <string_view>

#include "client/arguments.h"
#include "client/numbers.h"

namespace loadgen {

using client::parse_finite;
using client::parse_integer;

namespace {

// A default as the usage shows it: 1.0 as "1", 0.25 as "0.25".
std::string fixed_text(double v) {
  std::string s = std::to_string(v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

std::string usage() {
  const Options d;
  return "usage: memstripe-bench (--tcp HOST:PORT | --unix PATH) [options]\n"
         "Load generator for any memcached-compatible server (text or binary protocol).\n\n"
         "      --protocol P        text | binary (text); binary: SET, GETK, a multi-get as\n"
         "                          GETKQ per key and a NOOP\n"
         "  -c, --connections N     connections in all (" + std::to_string(d.connections) + ")\n"
         "  -t, --threads N         threads, each with its own event loop (" + std::to_string(d.threads) + ")\n"
         "  -P, --pipeline N        requests in flight per connection (" + std::to_string(d.pipeline) + ")\n"
         "      --batch             send the pipeline as one batch, wait for all its replies\n"
         "  -k, --keys N            key space size (" + std::to_string(d.key_count) + ")\n"
         "      --distribution D    uniform | zipf (uniform)\n"
         "      --zipf-skew S       Zipf exponent (0.99)\n"
         "      --key-size B        bytes per key (" + std::to_string(d.key_size) + ")\n"
         "      --value-size B      bytes per value (" + std::to_string(d.value_size) + ")\n"
         "      --ratio SET:GET     sets to gets, memtier's order (1:10)\n"
         "  -m, --multiget N        keys per get request (1; at most " + std::to_string(kMaxMultiget) + ")\n"
         "      --no-prefill        do not set every key before the run\n"
         "  -d, --duration S        measured seconds (" + std::to_string(static_cast<int>(d.duration_s)) + ")\n"
         "  -n, --requests N        measure N requests instead of a duration\n"
         "  -w, --warmup S          seconds of load before measuring (0)\n"
         "  -r, --rate R            open loop: R requests/s in all, latency from scheduled send\n"
         "      --max-outstanding N open loop: most requests in flight per connection (" + std::to_string(d.max_outstanding) + ")\n"
         "      --tls               speak TLS (TCP only)\n"
         "      --tls-ca FILE       verify the server's certificate against this CA\n"
         "      --tls-cert FILE     present this client certificate (--tls-key its key)\n"
         "      --tls-key FILE      the client certificate's key\n"
         "      --tls-version V     1.2 | 1.3: only that version\n"
         "      --connection-per-request  a new connection (TLS: a full handshake) for\n"
         "                          each request; measures connects or handshakes/s\n"
         "\nCache-aside mode: every request a get, a miss followed by a set of its value\n"
         "      --workload W        mixed | cache-aside (mixed: --ratio's sets and gets)\n"
         "      --value-sizes D     fixed | uniform | lognormal (fixed: --value-size), a\n"
         "                          function of the key: a key's value is always the same\n"
         "      --value-range A:B   uniform sizes from A to B bytes (" + std::to_string(d.value_min) + ":" + std::to_string(d.value_max) + ")\n"
         "      --value-median B    lognormal's median (" + std::to_string(static_cast<int>(d.value_median)) + ", Twitter's)\n"
         "      --value-sigma S     lognormal's sigma (" + fixed_text(d.value_sigma) + ")\n"
         "      --value-cap B       no value larger; trace sizes are cut to it (" + std::to_string(d.value_cap) + ")\n"
         "      --one-hit-wonders F share of requests for keys asked once, never again (0)\n"
         "      --scan-every K      a scan after every K requests (0: none) ...\n"
         "      --scan-length S     ... of S keys asked once each, alternating with the rest\n"
         "      --ttl S             exptime of every set (0)\n"
         "      --warmup-requests N gets before measuring (0)\n"
         "      --interval-requests N  the hit ratio per N gets too (a 20th of the run)\n"
         "      --trace FILE        replay FILE's requests cache-aside (bench/README.md)\n"
         "      --trace-format F    csv | oracle-general (csv: time,key,size[,ttl])\n"
         "  -n counts the gets measured after the warm-up (default: one per key; a trace: all)\n\n"
         "      --seed N            random seed (1)\n"
         "      --json FILE         also write the results as JSON (- for stdout)\n"
         "  -q, --quiet             no table\n"
         "  -h, --help\n";
}

namespace {

std::string digits_of(std::uint64_t n) { return std::to_string(n); }

ParsedOptions fail(std::string message) {
  return {std::nullopt, 2, "memstripe-bench: " + message + "\n" + usage()};
}

// The cache-aside mode's own rules: text only, one thread (its request stream is one
// sequence, deterministic given the seed), and keys wide enough for every index asked.
ParsedOptions check_cache_aside(Options o) {
  if (o.protocol != Protocol::kText) return fail("the cache-aside mode speaks the text protocol only");
  o.threads = 1;
  if (o.value_distribution == ValueDistribution::kFixed && o.value_size > o.value_cap)
    return fail("--value-size is larger than --value-cap");
  if (o.replays_trace()) {
    if (o.key_size < kTraceKeySize)
      return fail("--key-size must be at least " + std::to_string(kTraceKeySize) + " for a trace's 64-bit keys");
    return {std::move(o), 0, {}};
  }
  if (o.requests == 0) o.requests = o.key_count;
  if ((o.scan_every == 0) != (o.scan_length == 0)) return fail("--scan-every and --scan-length go together");
  // One-hit wonders and scanned keys are numbered from 0 in a space of their own (another
  // prefix letter): at most one per request.
  const std::uint64_t largest = std::max(o.key_count - 1, o.warmup_requests + o.requests);
  const auto digits = digits_of(largest).size();
  if (o.key_size < digits + 1)
    return fail("--key-size " + std::to_string(o.key_size) + " is too short for key index " + digits_of(largest) +
                " (needs " + std::to_string(digits + 1) + ")");
  return {std::move(o), 0, {}};
}

}  // namespace

const char* protocol_name(Protocol protocol) noexcept {
  return protocol == Protocol::kBinary ? "binary" : "text";
}

const char* value_distribution_name(ValueDistribution distribution) noexcept {
  switch (distribution) {
    case ValueDistribution::kUniform: return "uniform";
    case ValueDistribution::kLognormal: return "lognormal";
    case ValueDistribution::kFixed: break;
  }
  return "fixed";
}

const char* trace_format_name(TraceFormat format) noexcept {
  return format == TraceFormat::kOracleGeneral ? "oracle-general" : "csv";
}

ParsedOptions parse_options(int argc, char** argv) {
  Options o;
  bool tcp = false;
  bool unix_socket = false;
  client::Arguments args(argc, argv);
  while (args.next()) {
    std::string_view v;
    auto unsigned_opt = [&](unsigned& out, unsigned min) {
      return args.value(v) && parse_integer(v, out) && out >= min;
    };

    if (args.is("-h", "--help")) return {std::nullopt, 0, usage()};
    if (args.is("--tcp")) {
      const auto endpoint = args.value(v) ? client::tcp_endpoint(v) : std::nullopt;
      if (!endpoint) return fail("--tcp needs HOST:PORT");
      o.endpoint = *endpoint;
      tcp = true;
    } else if (args.is("--unix")) {
      if (!args.value(v) || v.empty()) return fail("--unix needs a socket path");
      o.endpoint = client::unix_endpoint(v);
      unix_socket = true;
    } else if (args.is("--protocol")) {
      if (!args.value(v)) return fail("--protocol needs text or binary");
      if (v == "text") o.protocol = Protocol::kText;
      else if (v == "binary") o.protocol = Protocol::kBinary;
      else return fail("--protocol needs text or binary");
    } else if (args.is("-c", "--connections")) {
      if (!unsigned_opt(o.connections, 1)) return fail("--connections needs a number >= 1");
    } else if (args.is("-t", "--threads")) {
      if (!unsigned_opt(o.threads, 1)) return fail("--threads needs a number >= 1");
    } else if (args.is("-P", "--pipeline")) {
      if (!unsigned_opt(o.pipeline, 1)) return fail("--pipeline needs a number >= 1");
    } else if (args.is("--batch")) {
      o.batch = true;
    } else if (args.is("-k", "--keys")) {
      if (!args.value(v) || !parse_integer(v, o.key_count) || o.key_count == 0 ||
          o.key_count > (std::uint64_t{1} << 32))
        return fail("--keys needs a number in 1..2^32");
    } else if (args.is("--distribution")) {
      if (!args.value(v)) return fail("--distribution needs uniform or zipf");
      if (v == "uniform") o.distribution = KeyDistribution::kUniform;
      else if (v == "zipf") o.distribution = KeyDistribution::kZipf;
      else return fail("--distribution needs uniform or zipf");
    } else if (args.is("--zipf-skew")) {
      if (!args.value(v) || !parse_finite(v, o.zipf_skew) || o.zipf_skew <= 0)
        return fail("--zipf-skew needs a number > 0");
    } else if (args.is("--key-size")) {
      if (!unsigned_opt(o.key_size, 1) || o.key_size > kMaxKeySize)
        return fail("--key-size needs 1.." + std::to_string(kMaxKeySize));
    } else if (args.is("--value-size")) {
      if (!unsigned_opt(o.value_size, 0)) return fail("--value-size needs a number");
    } else if (args.is("--ratio")) {
      auto colon = args.value(v) ? v.find(':') : std::string_view::npos;
      if (colon == std::string_view::npos || !parse_integer(v.substr(0, colon), o.set_ratio) ||
          !parse_integer(v.substr(colon + 1), o.get_ratio) || o.set_ratio + o.get_ratio == 0)
        return fail("--ratio needs SET:GET, e.g. 1:10");
    } else if (args.is("-m", "--multiget")) {
      if (!unsigned_opt(o.multiget, 1) || o.multiget > kMaxMultiget)
        return fail("--multiget needs 1.." + std::to_string(kMaxMultiget));
    } else if (args.is("--no-prefill")) {
      o.prefill = false;
    } else if (args.is("--prefill")) {
      o.prefill = true;
    } else if (args.is("-d", "--duration")) {
      if (!args.value(v) || !parse_finite(v, o.duration_s) || o.duration_s <= 0)
        return fail("--duration needs seconds > 0");
    } else if (args.is("-n", "--requests")) {
      if (!args.value(v) || !parse_integer(v, o.requests) || o.requests == 0)
        return fail("--requests needs a number >= 1");
    } else if (args.is("-w", "--warmup")) {
      if (!args.value(v) || !parse_finite(v, o.warmup_s) || o.warmup_s < 0)
        return fail("--warmup needs seconds >= 0");
    } else if (args.is("-r", "--rate")) {
      if (!args.value(v) || !parse_finite(v, o.rate) || o.rate <= 0)
        return fail("--rate needs requests/s > 0");
    } else if (args.is("--max-outstanding")) {
      if (!unsigned_opt(o.max_outstanding, 1)) return fail("--max-outstanding needs a number >= 1");
    } else if (args.is("--tls")) {
      o.tls.enabled = true;
    } else if (args.is("--tls-ca")) {
      if (!args.value(v) || v.empty()) return fail("--tls-ca needs a file");
      o.tls.ca_file = std::string(v);
    } else if (args.is("--tls-cert")) {
      if (!args.value(v) || v.empty()) return fail("--tls-cert needs a file");
      o.tls.cert_file = std::string(v);
    } else if (args.is("--tls-key")) {
      if (!args.value(v) || v.empty()) return fail("--tls-key needs a file");
      o.tls.key_file = std::string(v);
    } else if (args.is("--tls-version")) {
      if (!args.value(v) || (v != "1.2" && v != "1.3")) return fail("--tls-version needs 1.2 or 1.3");
      o.tls.version = std::string(v);
    } else if (args.is("--connection-per-request")) {
      o.connection_per_request = true;
    } else if (args.is("--workload")) {
      if (!args.value(v)) return fail("--workload needs mixed or cache-aside");
      if (v == "mixed") o.workload = Workload::kMixed;
      else if (v == "cache-aside") o.workload = Workload::kCacheAside;
      else return fail("--workload needs mixed or cache-aside");
    } else if (args.is("--value-sizes")) {
      if (!args.value(v)) return fail("--value-sizes needs fixed, uniform or lognormal");
      if (v == "fixed") o.value_distribution = ValueDistribution::kFixed;
      else if (v == "uniform") o.value_distribution = ValueDistribution::kUniform;
      else if (v == "lognormal") o.value_distribution = ValueDistribution::kLognormal;
      else return fail("--value-sizes needs fixed, uniform or lognormal");
    } else if (args.is("--value-range")) {
      auto colon = args.value(v) ? v.find(':') : std::string_view::npos;
      if (colon == std::string_view::npos || !parse_integer(v.substr(0, colon), o.value_min) ||
          !parse_integer(v.substr(colon + 1), o.value_max) || o.value_min > o.value_max)
        return fail("--value-range needs MIN:MAX bytes, MIN <= MAX");
    } else if (args.is("--value-median")) {
      if (!args.value(v) || !parse_finite(v, o.value_median) || o.value_median < 1)
        return fail("--value-median needs bytes >= 1");
    } else if (args.is("--value-sigma")) {
      if (!args.value(v) || !parse_finite(v, o.value_sigma) || o.value_sigma < 0 || o.value_sigma > 10)
        return fail("--value-sigma needs a number in 0..10");
    } else if (args.is("--value-cap")) {
      if (!unsigned_opt(o.value_cap, 1)) return fail("--value-cap needs bytes >= 1");
    } else if (args.is("--one-hit-wonders")) {
      if (!args.value(v) || !parse_finite(v, o.one_hit_wonders) || o.one_hit_wonders < 0 || o.one_hit_wonders >= 1)
        return fail("--one-hit-wonders needs a share in [0, 1)");
    } else if (args.is("--scan-every")) {
      if (!args.value(v) || !parse_integer(v, o.scan_every)) return fail("--scan-every needs a number");
    } else if (args.is("--scan-length")) {
      if (!args.value(v) || !parse_integer(v, o.scan_length)) return fail("--scan-length needs a number");
    } else if (args.is("--ttl")) {
      if (!unsigned_opt(o.ttl, 0) || o.ttl > kMaxRelativeTtl)
        return fail("--ttl needs seconds in 0.." + std::to_string(kMaxRelativeTtl));
    } else if (args.is("--warmup-requests")) {
      if (!args.value(v) || !parse_integer(v, o.warmup_requests)) return fail("--warmup-requests needs a number");
    } else if (args.is("--interval-requests")) {
      if (!args.value(v) || !parse_integer(v, o.interval_requests))
        return fail("--interval-requests needs a number");
    } else if (args.is("--trace")) {
      if (!args.value(v) || v.empty()) return fail("--trace needs a file name");
      o.trace_path = std::string(v);
      o.workload = Workload::kCacheAside;
    } else if (args.is("--trace-format")) {
      if (!args.value(v)) return fail("--trace-format needs csv or oracle-general");
      if (v == "csv") o.trace_format = TraceFormat::kCsv;
      else if (v == "oracle-general") o.trace_format = TraceFormat::kOracleGeneral;
      else return fail("--trace-format needs csv or oracle-general");
    } else if (args.is("--seed")) {
      if (!args.value(v) || !parse_integer(v, o.seed)) return fail("--seed needs a number");
    } else if (args.is("--json")) {
      if (!args.value(v) || v.empty()) return fail("--json needs a file name");
      o.json_path = std::string(v);
    } else if (args.is("-q", "--quiet")) {
      o.quiet = true;
    } else {
      return fail("unknown option " + std::string(args.option()));
    }
  }

  if (tcp == unix_socket) return fail("give exactly one of --tcp and --unix");
  if (o.threads > o.connections) o.threads = o.connections;
  if (o.cache_aside()) {
    // Its connections (cache_aside_connection.cc) are plaintext, one request at a time.
    if (o.tls.enabled || o.connection_per_request)
      return fail("--tls and --connection-per-request are not for the cache-aside mode");
    return check_cache_aside(std::move(o));
  }
  // Keys are 'k' and a zero-padded index: they must fit the key size.
  const auto digits = std::to_string(o.key_count - 1).size();
  if (o.key_size < digits + 1)
    return fail("--key-size " + std::to_string(o.key_size) + " is too short for " +
                std::to_string(o.key_count) + " keys (needs " + std::to_string(digits + 1) + ")");
  if (o.multiget > o.key_count) return fail("--multiget is larger than --keys");
  if (o.connection_per_request && (o.pipeline > 1 || o.open_loop()))
    return fail("--connection-per-request takes one request per connection: no --pipeline or --rate");
  if (!o.tls.enabled && (!o.tls.ca_file.empty() || !o.tls.cert_file.empty() || !o.tls.version.empty()))
    return fail("--tls-ca, --tls-cert and --tls-version need --tls");
  if (o.tls.enabled) {
    if (!o.is_tcp()) return fail("--tls is for --tcp: the UNIX socket is plaintext");
    std::string error;
    o.tls_context = client::TlsContext::make(o.tls, error);
    if (!o.tls_context) return {std::nullopt, 1, "memstripe-bench: " + error + "\n"};
  }
  return {std::move(o), 0, {}};
}

}  // namespace loadgen
