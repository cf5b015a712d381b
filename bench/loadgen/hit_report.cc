#include "hit_report.h"

#include <array>
#include <cstdio>
#include <string>

#include "client/json_string.h"

namespace loadgen {

using client::json_string;

namespace {

const char* const kClassNames[] = {"popular", "one_hit_wonder", "scan", "trace"};
static_assert(std::size(kClassNames) == static_cast<std::size_t>(KeyClass::kCount));
const char* const kPhaseNames[] = {"before", "during", "after"};
static_assert(std::size(kPhaseNames) == static_cast<std::size_t>(ScanPhase::kCount));
constexpr std::array<double, 4> kPercentiles{50, 90, 99, 99.9};

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string percent(double ratio) { return fixed(100.0 * ratio, 2) + "%"; }

std::string value_sizes(const Options& o) {
  switch (o.value_distribution) {
    case ValueDistribution::kUniform:
      return "uniform " + std::to_string(o.value_min) + "-" + std::to_string(o.value_max) + " B";
    case ValueDistribution::kLognormal:
      return "lognormal median " + fixed(o.value_median, 0) + " B sigma " + fixed(o.value_sigma, 2) + ", cap " +
             std::to_string(o.value_cap) + " B";
    case ValueDistribution::kFixed: break;
  }
  return std::to_string(o.value_size) + " B";
}

void json_counts(const HitCounts& c, std::ostream& out) {
  out << "{\"gets\": " << c.gets << ", \"hits\": " << c.hits << ", \"misses\": " << c.misses()
      << ", \"hit_ratio\": " << fixed(c.hit_ratio(), 6) << ", \"bytes_requested\": " << c.bytes_requested
      << ", \"bytes_missed\": " << c.bytes_missed << ", \"byte_miss_ratio\": " << fixed(c.byte_miss_ratio(), 6)
      << "}";
}

double ops_per_s(const HitReport& r) {
  return r.elapsed_s > 0 ? static_cast<double>(r.all_gets + r.stats.sets) / r.elapsed_s : 0;
}

}  // namespace

void print_hit_table(const HitReport& r, std::ostream& out) {
  const Options& o = r.options;
  const HitStats& s = r.stats;
  out << "target        " << o.target() << ", text protocol, cache-aside\n"
      << "load          " << o.connections << " connections (" << r.connections_up << " up), pipeline "
      << o.pipeline << "\n";
  if (o.replays_trace()) {
    out << "trace         " << o.trace_path << " (" << trace_format_name(o.trace_format) << "): " << r.trace_records
        << " records replayed, " << r.trace_skipped << " of size 0 passed over, " << r.trace_capped
        << " cut to " << o.value_cap << " B\n";
  } else {
    out << "workload      " << o.key_count << " keys ("
        << (o.distribution == KeyDistribution::kZipf ? "zipf " + fixed(o.zipf_skew, 2) : std::string("uniform"))
        << ") of " << o.key_size << " B, values " << value_sizes(o);
    if (o.one_hit_wonders > 0) out << ", one-hit wonders " << percent(o.one_hit_wonders);
    if (o.scan_every) out << ", a scan of " << o.scan_length << " keys after every " << o.scan_every;
    if (o.ttl) out << ", ttl " << o.ttl << " s";
    out << "\n";
  }
  out << "requests      " << s.warmup_gets << " gets of warm-up, " << s.measured.gets << " measured, " << s.sets
      << " sets; " << fixed(r.elapsed_s, 2) << " s, " << fixed(ops_per_s(r), 0) << " ops/s\n"
      << "hit ratio     " << fixed(s.measured.hit_ratio(), 4) << " (" << s.measured.hits << " hits, "
      << s.measured.misses() << " misses), miss ratio " << fixed(1.0 - s.measured.hit_ratio(), 4) << "\n"
      << "byte misses   " << fixed(s.measured.byte_miss_ratio(), 4) << " of " << s.measured.bytes_requested
      << " bytes asked\n";
  out << "by class     ";
  for (std::size_t i = 0; i < s.by_class.size(); ++i)
    if (s.by_class[i].gets)
      out << " " << kClassNames[i] << " " << fixed(s.by_class[i].hit_ratio(), 4) << " of " << s.by_class[i].gets;
  out << "\n";
  if (o.scan_every) {
    out << "popular keys ";
    for (std::size_t i = 0; i < s.popular_by_scan_phase.size(); ++i)
      out << " " << kPhaseNames[i] << " the scan " << fixed(s.popular_by_scan_phase[i].hit_ratio(), 4) << " of "
          << s.popular_by_scan_phase[i].gets << (i + 1 < s.popular_by_scan_phase.size() ? "," : "");
    out << "\n";
  }
  out << "over time     hit ratio per " << s.interval << " gets:";
  for (const auto& c : s.intervals) out << " " << fixed(c.hit_ratio(), 3);
  out << "\n"
      << "errors        " << s.errors();
  if (s.errors()) {
    out << " (";
    for (std::size_t i = 1; i < s.reply_errors.size(); ++i)
      if (s.reply_errors[i]) out << reply_error_name(static_cast<ReplyError>(i)) << " " << s.reply_errors[i] << ", ";
    out << "corrupt values " << s.corrupt_values << ", malformed " << s.malformed << ", connection "
        << s.connection_errors << ", unanswered " << s.unanswered << ")";
  }
  out << "\n";
  out << "latency (us)  gets:";
  for (double p : kPercentiles)
    out << " p" << fixed(p, p < 99.9 ? 0 : 1) << " " << fixed(static_cast<double>(s.latency.percentile(p)) / 1000, 1);
  out << "\n";
}

void write_hit_json(const HitReport& r, std::ostream& out) {
  const Options& o = r.options;
  const HitStats& s = r.stats;
  out << "{\n  \"mode\": \"cache-aside\",\n"
      << "  \"target\": " << json_string(o.target()) << ",\n"
      << "  \"transport\": \"" << (o.is_tcp() ? "tcp" : "unix") << "\",\n"
      << "  \"protocol\": \"text\",\n"
      << "  \"config\": {\"connections\": " << o.connections << ", \"pipeline\": " << o.pipeline
      << ", \"keys\": " << o.key_count << ", \"distribution\": \""
      << (o.distribution == KeyDistribution::kZipf ? "zipf" : "uniform") << "\", \"zipf_skew\": "
      << fixed(o.zipf_skew, 4) << ", \"key_size\": " << o.key_size << ", \"value_sizes\": \""
      << value_distribution_name(o.value_distribution) << "\", \"value_size\": " << o.value_size
      << ", \"value_min\": " << o.value_min << ", \"value_max\": " << o.value_max
      << ", \"value_median\": " << fixed(o.value_median, 3) << ", \"value_sigma\": " << fixed(o.value_sigma, 4)
      << ", \"value_cap\": " << o.value_cap << ", \"one_hit_wonders\": " << fixed(o.one_hit_wonders, 4)
      << ", \"scan_every\": " << o.scan_every << ", \"scan_length\": " << o.scan_length << ", \"ttl\": " << o.ttl
      << ", \"warmup_requests\": " << o.warmup_requests << ", \"requests\": " << o.requests
      << ", \"trace\": " << json_string(o.trace_path) << ", \"trace_format\": \"" << trace_format_name(o.trace_format)
      << "\", \"seed\": " << o.seed << "},\n"
      << "  \"connections_up\": " << r.connections_up << ",\n"
      << "  \"elapsed_s\": " << fixed(r.elapsed_s, 6) << ",\n"
      << "  \"ops_per_s\": " << fixed(ops_per_s(r), 1) << ",\n"
      << "  \"warmup_gets\": " << s.warmup_gets << ",\n"
      << "  \"all_gets\": " << r.all_gets << ",\n"
      << "  \"requests\": " << s.measured.gets << ",\n"
      << "  \"sets\": " << s.sets << ",\n"
      << "  \"hits\": " << s.measured.hits << ",\n"
      << "  \"misses\": " << s.measured.misses() << ",\n"
      << "  \"hit_ratio\": " << fixed(s.measured.hit_ratio(), 6) << ",\n"
      << "  \"miss_ratio\": " << fixed(s.measured.gets ? 1.0 - s.measured.hit_ratio() : 0, 6) << ",\n"
      << "  \"bytes_requested\": " << s.measured.bytes_requested << ",\n"
      << "  \"bytes_missed\": " << s.measured.bytes_missed << ",\n"
      << "  \"byte_miss_ratio\": " << fixed(s.measured.byte_miss_ratio(), 6) << ",\n"
      << "  \"classes\": {";
  for (std::size_t i = 0; i < s.by_class.size(); ++i) {
    out << (i ? ", " : "") << "\"" << kClassNames[i] << "\": ";
    json_counts(s.by_class[i], out);
  }
  out << "},\n  \"popular_by_scan_phase\": {";
  for (std::size_t i = 0; i < s.popular_by_scan_phase.size(); ++i) {
    out << (i ? ", " : "") << "\"" << kPhaseNames[i] << "\": ";
    json_counts(s.popular_by_scan_phase[i], out);
  }
  out << "},\n  \"interval_requests\": " << s.interval << ",\n  \"intervals\": [";
  for (std::size_t i = 0; i < s.intervals.size(); ++i) {
    out << (i ? ",\n    " : "\n    ");
    json_counts(s.intervals[i], out);
  }
  out << "],\n";
  if (o.replays_trace())
    out << "  \"trace\": {\"records\": " << r.trace_records << ", \"skipped\": " << r.trace_skipped
        << ", \"capped\": " << r.trace_capped << "},\n";
  out << "  \"errors\": " << s.errors() << ",\n  \"error_kinds\": {";
  for (std::size_t i = 1; i < s.reply_errors.size(); ++i)
    out << "\"" << reply_error_name(static_cast<ReplyError>(i)) << "\": " << s.reply_errors[i] << ", ";
  out << "\"corrupt_value\": " << s.corrupt_values << ", \"malformed\": " << s.malformed
      << ", \"connection\": " << s.connection_errors << ", \"unanswered\": " << s.unanswered << "},\n"
      << "  \"latency\": {\"count\": " << s.latency.count();
  for (double p : kPercentiles)
    out << ", \"p" << fixed(p, p < 99.9 ? 0 : 1) << "_us\": " << fixed(static_cast<double>(s.latency.percentile(p)) / 1000, 3);
  out << "}\n}\n";
}

}  // namespace loadgen
