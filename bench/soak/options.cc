#include "options.h"

#include <algorithm>
#include <string_view>

#include "client/arguments.h"
#include "client/numbers.h"
#include "value_pattern.h"

namespace soak {
namespace {

using client::parse_integer;

bool positive_seconds(std::string_view text, double& out) { return client::parse_finite(text, out) && out > 0; }

}  // namespace

std::string usage() {
  return "usage: memstripe-soak [options]\n"
         "Many connections, random commands (get gets gat set add replace cas append prepend\n"
         "delete incr decr touch mg ms, multi-gets) and values of 0 B to 1 MiB that check\n"
         "themselves, against any memcached-compatible server, for a while; reports the reads\n"
         "checked, corrupt reads, protocol errors and the resident memory of the watched\n"
         "processes. Exit status 3 when anything was corrupt or unexpected.\n"
         "  --tcp HOST:PORT        a TCP endpoint (repeatable)\n"
         "  --unix PATH            a UNIX socket endpoint (repeatable)\n"
         "  -c, --connections N    connections, spread over the endpoints (default 64)\n"
         "  -d, --seconds S        how long to run (default 60)\n"
         "  --keys N               plain keys (default 4000; append keys and counters are\n"
         "                         a twentieth and a fortieth of that, at least 1)\n"
         "  --max-value BYTES      the largest plain value (default 1 MiB less 1 KiB)\n"
         "  --watch LABEL=PID      sample this process's VmRSS (repeatable)\n"
         "  --interval S           seconds between samples and progress lines (default 1)\n"
         "  --seed N               random seed (default 1)\n"
         "  --json FILE            also write the report as JSON\n"
         "  -q, --quiet            no progress lines\n";
}

std::string parse_options(int argc, char** argv, Options& o) {
  client::Arguments args(argc, argv);
  while (args.next()) {
    std::string_view v;
    if (args.is("-h", "--help")) {
      o.help = true;
    } else if (args.is("-q", "--quiet")) {
      o.quiet = true;
    } else if (args.is("--tcp")) {
      const auto endpoint = args.value(v) ? client::tcp_endpoint(v) : std::nullopt;
      if (!endpoint) return "--tcp needs HOST:PORT";
      o.endpoints.push_back(*endpoint);
    } else if (args.is("--unix")) {
      if (!args.value(v) || v.empty()) return "--unix needs a path";
      o.endpoints.push_back(client::unix_endpoint(v));
    } else if (args.is("-c", "--connections")) {
      if (!args.value(v) || !parse_integer(v, o.connections) || o.connections == 0) {
        return "--connections needs a positive number";
      }
    } else if (args.is("-d", "--seconds")) {
      if (!args.value(v) || !positive_seconds(v, o.seconds)) return "--seconds needs a positive number";
    } else if (args.is("--keys")) {
      if (!args.value(v) || !parse_integer(v, o.plain_keys) || o.plain_keys == 0) return "--keys needs a positive number";
      o.append_keys = std::max<std::uint32_t>(1, o.plain_keys / 20);
      o.counter_keys = std::max<std::uint32_t>(1, o.plain_keys / 40);
    } else if (args.is("--max-value")) {
      if (!args.value(v) || !parse_integer(v, o.max_value) || o.max_value > ValuePattern::kMaxValue) {
        return "--max-value needs a number of bytes up to " + std::to_string(ValuePattern::kMaxValue);
      }
    } else if (args.is("--watch")) {
      if (!args.value(v)) return "--watch needs LABEL=PID";
      const std::size_t eq = v.find('=');
      Watched w;
      if (eq == std::string_view::npos || !parse_integer(v.substr(eq + 1), w.pid)) return "--watch needs LABEL=PID";
      w.label = std::string(v.substr(0, eq));
      o.watch.push_back(w);
    } else if (args.is("--interval")) {
      if (!args.value(v) || !positive_seconds(v, o.interval)) return "--interval needs a positive number";
    } else if (args.is("--seed")) {
      if (!args.value(v) || !parse_integer(v, o.seed)) return "--seed needs a number";
    } else if (args.is("--json")) {
      if (!args.value(v)) return "--json needs a file";
      o.json = std::string(v);
    } else {
      return "unknown option " + std::string(args.option());
    }
  }
  if (o.help) return {};
  if (o.endpoints.empty()) return "no endpoint: give --tcp HOST:PORT and/or --unix PATH";
  if (o.max_value == 0) o.max_value = ValuePattern::kMaxValue;
  return {};
}

}  // namespace soak
