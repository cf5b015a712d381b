#include "options.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "value_pattern.h"

namespace soak {
namespace {

template <typename T>
bool integer(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

bool positive_seconds(std::string_view text, double& out) {
  char* end = nullptr;
  const std::string copy(text);
  out = std::strtod(copy.c_str(), &end);
  return end != copy.c_str() && *end == '\0' && out > 0;
}

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
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string_view v;
    if (arg == "-h" || arg == "--help") {
      o.help = true;
    } else if (arg == "-q" || arg == "--quiet") {
      o.quiet = true;
    } else if (arg == "--tcp") {
      if (!value(v)) return "--tcp needs HOST:PORT";
      const std::size_t colon = v.rfind(':');
      Endpoint e;
      e.tcp = true;
      if (colon == std::string_view::npos || !integer(v.substr(colon + 1), e.port)) return "--tcp needs HOST:PORT";
      e.host = std::string(v.substr(0, colon));
      o.endpoints.push_back(e);
    } else if (arg == "--unix") {
      if (!value(v)) return "--unix needs a path";
      Endpoint e;
      e.tcp = false;
      e.path = std::string(v);
      o.endpoints.push_back(e);
    } else if (arg == "-c" || arg == "--connections") {
      if (!value(v) || !integer(v, o.connections) || o.connections == 0) return "--connections needs a positive number";
    } else if (arg == "-d" || arg == "--seconds") {
      if (!value(v) || !positive_seconds(v, o.seconds)) return "--seconds needs a positive number";
    } else if (arg == "--keys") {
      if (!value(v) || !integer(v, o.plain_keys) || o.plain_keys == 0) return "--keys needs a positive number";
      o.append_keys = std::max<std::uint32_t>(1, o.plain_keys / 20);
      o.counter_keys = std::max<std::uint32_t>(1, o.plain_keys / 40);
    } else if (arg == "--max-value") {
      if (!value(v) || !integer(v, o.max_value) || o.max_value > ValuePattern::kMaxValue) {
        return "--max-value needs a number of bytes up to " + std::to_string(ValuePattern::kMaxValue);
      }
    } else if (arg == "--watch") {
      if (!value(v)) return "--watch needs LABEL=PID";
      const std::size_t eq = v.find('=');
      Watched w;
      if (eq == std::string_view::npos || !integer(v.substr(eq + 1), w.pid)) return "--watch needs LABEL=PID";
      w.label = std::string(v.substr(0, eq));
      o.watch.push_back(w);
    } else if (arg == "--interval") {
      if (!value(v) || !positive_seconds(v, o.interval)) return "--interval needs a positive number";
    } else if (arg == "--seed") {
      if (!value(v) || !integer(v, o.seed)) return "--seed needs a number";
    } else if (arg == "--json") {
      if (!value(v)) return "--json needs a file";
      o.json = std::string(v);
    } else {
      return "unknown option " + std::string(arg);
    }
  }
  if (o.help) return {};
  if (o.endpoints.empty()) return "no endpoint: give --tcp HOST:PORT and/or --unix PATH";
  if (o.max_value == 0) o.max_value = ValuePattern::kMaxValue;
  return {};
}

}  // namespace soak
