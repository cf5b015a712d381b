#include "cache_aside_command.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "cache_aside_run.h"
#include "cache_aside_stream.h"
#include "hit_report.h"
#include "trace_reader.h"

namespace loadgen {

int run_cache_aside(const Options& o, const client::SocketAddress& address) {
  std::unique_ptr<RequestSource> source;
  TraceReader* trace = nullptr;
  if (o.replays_trace()) {
    auto reader = std::make_unique<TraceReader>(o.trace_path, o.trace_format, o.value_cap, o.ttl);
    if (!reader->error().empty()) {
      std::cerr << "memstripe-bench: " << reader->error() << "\n";
      return 1;
    }
    trace = reader.get();
    source = std::move(reader);
  } else {
    source = std::make_unique<CacheAsideStream>(o);
  }

  CacheAsideRun run(o, *source);
  HitReport report{o, run.stats()};
  report.connections_up = run.connect(address);
  if (report.connections_up == 0) {
    std::cerr << "memstripe-bench: cannot connect to " << o.target() << "\n";
    return 1;
  }
  report.elapsed_s = run.run();
  report.all_gets = run.feed().handed_out();
  if (trace) {
    report.trace_records = trace->records();
    report.trace_skipped = trace->skipped();
    report.trace_capped = trace->capped();
    if (!trace->error().empty()) {
      std::cerr << "memstripe-bench: " << o.trace_path << ": " << trace->error() << "\n";
      return 1;
    }
  }

  if (!o.quiet) print_hit_table(report, std::cout);
  if (o.json_path == "-") {
    write_hit_json(report, std::cout);
  } else if (!o.json_path.empty()) {
    std::ofstream json(o.json_path);
    write_hit_json(report, json);
    if (!json) {
      std::cerr << "memstripe-bench: cannot write " << o.json_path << "\n";
      return 1;
    }
  }
  return run.stats().errors() == 0 ? 0 : 3;
}

}  // namespace loadgen
