#include "report.h"

#include <array>
#include <cstdio>
#include <string>

#include "client/json_string.h"

namespace loadgen {

using client::json_string;

namespace {

// The percentiles every report gives, and the finer spectrum the JSON carries for plots.
constexpr std::array<double, 4> kTablePercentiles{50, 90, 99, 99.9};
constexpr std::array<double, 16> kSpectrum{0,  10, 25, 50,   75,    90,    95,     99,
                                           99.5, 99.9, 99.95, 99.99, 99.995, 99.999, 99.9999, 100};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

double micros(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

std::string percentile_name(double p) {
  std::string s = fixed(p, 4);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

void json_histogram(const Histogram& h, std::ostream& out) {
  out << "{\"count\": " << h.count() << ", \"min_us\": " << fixed(micros(h.min()), 3)
      << ", \"mean_us\": " << fixed(h.mean() / 1000.0, 3) << ", \"max_us\": " << fixed(micros(h.max()), 3);
  for (double p : kTablePercentiles)
    out << ", \"p" << percentile_name(p) << "_us\": " << fixed(micros(h.percentile(p)), 3);
  out << ", \"spectrum\": [";
  for (std::size_t i = 0; i < kSpectrum.size(); ++i)
    out << (i ? ", " : "") << "[" << percentile_name(kSpectrum[i]) << ", "
        << fixed(micros(h.percentile(kSpectrum[i])), 3) << "]";
  out << "]}";
}

}  // namespace

void print_table(const Report& r, std::ostream& out) {
  const Options& o = r.options;
  const Counters& c = r.stats.counters;
  out << "target        " << o.target() << ", " << protocol_name(o.protocol) << " protocol\n"
      << "load          " << o.connections << " connections (" << r.connections_up << " up), "
      << o.threads << " thread(s), " << (o.open_loop() ? "open loop at " + fixed(o.rate, 0) + " req/s"
                                                      : "closed loop, pipeline " + std::to_string(o.pipeline))
      << "\n"
      << "workload      " << o.key_count << " keys ("
      << (o.distribution == KeyDistribution::kZipf ? "zipf " + fixed(o.zipf_skew, 2) : std::string("uniform"))
      << ") of " << o.key_size << " B, values " << o.value_size << " B, set:get " << o.set_ratio << ":"
      << o.get_ratio << ", multi-get " << o.multiget << "\n";
  if (o.prefill)
    out << "prefill       " << fixed(r.prefill_s, 2) << " s, " << r.prefill_errors << " errors\n";
  out << "measured      " << fixed(r.elapsed_s, 2) << " s, " << c.requests << " requests (" << c.gets
      << " gets, " << c.sets << " sets)\n"
      << "throughput    " << fixed(r.ops_per_s(), 0) << " ops/s";
  if (o.multiget > 1) out << ", " << fixed(r.elapsed_s > 0 ? c.keys / r.elapsed_s : 0, 0) << " keys/s";
  out << "\n"
      << "hit ratio     " << fixed(100.0 * r.hit_ratio(), 2) << "% (" << c.hits << " hits, " << c.misses
      << " misses)\n"
      << "errors        " << c.errors();
  if (c.errors()) {
    out << " (";
    for (std::size_t i = 1; i < c.reply_errors.size(); ++i)
      if (c.reply_errors[i]) out << reply_error_name(static_cast<ReplyError>(i)) << " " << c.reply_errors[i] << ", ";
    out << "malformed " << c.malformed << ", connection " << c.connection_errors << ", unanswered "
        << c.unanswered << ")";
  }
  out << "\n";
  const Histogram& h = r.stats.latency;
  out << "latency (us)  ";
  for (double p : kTablePercentiles) out << "p" << percentile_name(p) << " " << fixed(micros(h.percentile(p)), 1) << "  ";
  out << "max " << fixed(micros(h.max()), 1) << "  mean " << fixed(h.mean() / 1000.0, 1) << "\n";
  if (o.open_loop()) {
    const Histogram& lag = r.stats.send_lag;
    out << "send lag (us) p50 " << fixed(micros(lag.percentile(50)), 1) << "  p99 "
        << fixed(micros(lag.percentile(99)), 1) << "  max " << fixed(micros(lag.max()), 1)
        << "  (how late requests left: the generator's own delay, included in latency)\n";
  }
}

void write_json(const Report& r, std::ostream& out) {
  const Options& o = r.options;
  const Counters& c = r.stats.counters;
  out << "{\n  \"target\": " << json_string(o.target()) << ",\n"
      << "  \"transport\": \"" << (o.is_tcp() ? "tcp" : "unix") << "\",\n"
      << "  \"protocol\": \"" << protocol_name(o.protocol) << "\",\n"
      << "  \"config\": {\"connections\": " << o.connections << ", \"threads\": " << o.threads
      << ", \"pipeline\": " << o.pipeline << ", \"keys\": " << o.key_count << ", \"distribution\": \""
      << (o.distribution == KeyDistribution::kZipf ? "zipf" : "uniform") << "\", \"zipf_skew\": "
      << fixed(o.zipf_skew, 4) << ", \"key_size\": " << o.key_size << ", \"value_size\": " << o.value_size
      << ", \"set_ratio\": " << o.set_ratio << ", \"get_ratio\": " << o.get_ratio
      << ", \"multiget\": " << o.multiget << ", \"prefill\": " << (o.prefill ? "true" : "false")
      << ", \"duration_s\": " << fixed(o.duration_s, 3) << ", \"requests\": " << o.requests
      << ", \"warmup_s\": " << fixed(o.warmup_s, 3) << ", \"rate\": " << fixed(o.rate, 1)
      << ", \"open_loop\": " << (o.open_loop() ? "true" : "false") << ", \"seed\": " << o.seed << "},\n"
      << "  \"connections_up\": " << r.connections_up << ",\n"
      << "  \"prefill_s\": " << fixed(r.prefill_s, 4) << ",\n"
      << "  \"prefill_errors\": " << r.prefill_errors << ",\n"
      << "  \"elapsed_s\": " << fixed(r.elapsed_s, 6) << ",\n"
      << "  \"requests\": " << c.requests << ",\n"
      << "  \"all_replies\": " << r.stats.all_replies << ",\n"
      << "  \"gets\": " << c.gets << ",\n"
      << "  \"sets\": " << c.sets << ",\n"
      << "  \"keys\": " << c.keys << ",\n"
      << "  \"ops_per_s\": " << fixed(r.ops_per_s(), 1) << ",\n"
      << "  \"keys_per_s\": " << fixed(r.elapsed_s > 0 ? c.keys / r.elapsed_s : 0, 1) << ",\n"
      << "  \"hits\": " << c.hits << ",\n"
      << "  \"misses\": " << c.misses << ",\n"
      << "  \"hit_ratio\": " << fixed(r.hit_ratio(), 6) << ",\n"
      << "  \"errors\": " << c.errors() << ",\n"
      << "  \"error_kinds\": {";
  for (std::size_t i = 1; i < c.reply_errors.size(); ++i)
    out << "\"" << reply_error_name(static_cast<ReplyError>(i)) << "\": " << c.reply_errors[i] << ", ";
  out << "\"malformed\": " << c.malformed << ", \"connection\": " << c.connection_errors
      << ", \"unanswered\": " << c.unanswered << "},\n"
      << "  \"latency\": ";
  json_histogram(r.stats.latency, out);
  if (o.open_loop()) {
    out << ",\n  \"send_lag\": ";
    json_histogram(r.stats.send_lag, out);
  }
  out << "\n}\n";
}

}  // namespace loadgen
