#include "options.h"

#include <string_view>

#include "client/arguments.h"
#include "client/numbers.h"

namespace loadgen {

using client::parse_finite;
using client::parse_integer;

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
         "      --seed N            random seed (1)\n"
         "      --json FILE         also write the results as JSON (- for stdout)\n"
         "  -q, --quiet             no table\n"
         "  -h, --help\n";
}

namespace {

ParsedOptions fail(std::string message) {
  return {std::nullopt, 2, "memstripe-bench: " + message + "\n" + usage()};
}

}  // namespace

const char* protocol_name(Protocol protocol) noexcept {
  return protocol == Protocol::kBinary ? "binary" : "text";
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
