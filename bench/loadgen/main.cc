// memstripe-bench: a load generator for any memcached-compatible server. See options.cc
// for the command line, connection.h for how load is driven and measured.
#include <fstream>
#include <iostream>
#include <thread>

#include "cache_aside_command.h"
#include "clock.h"
#include "options.h"
#include "report.h"
#include "worker.h"

namespace {

using loadgen::Nanos;
using loadgen::Phase;
using loadgen::RunStats;
using loadgen::Worker;

// Replies still missing this long after the run's end count as unanswered.
constexpr double kDrainSeconds = 5;

// Runs one phase on every worker, one thread each (the first on this thread), and adds
// up what they counted.
RunStats run_phase(std::vector<std::unique_ptr<Worker>>& workers,
                   const std::function<Phase(unsigned)>& phase_for, Nanos deadline) {
  std::vector<RunStats> stats(workers.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < workers.size(); ++i)
    threads.emplace_back([&, i] { workers[i]->run(phase_for, stats[i], deadline); });
  workers[0]->run(phase_for, stats[0], deadline);
  for (auto& t : threads) t.join();
  RunStats total;
  for (const auto& s : stats) total.merge(s);
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = loadgen::parse_options(argc, argv);
  if (!parsed.options) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.message;
    return parsed.exit_code;
  }
  const loadgen::Options& o = *parsed.options;
  client::SocketAddress address;
  if (const auto ec = client::resolve(o.endpoint, address)) {
    std::cerr << "memstripe-bench: cannot resolve " << o.endpoint.host << ": " << ec.message() << "\n";
    return 1;
  }
  if (o.cache_aside()) return loadgen::run_cache_aside(o, address);

  const loadgen::RequestWriter writer(o.key_size, o.value_size, o.protocol);
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned t = 0; t < o.threads; ++t) {
    std::vector<unsigned> ids;
    for (unsigned id = t; id < o.connections; id += o.threads) ids.push_back(id);
    workers.push_back(std::make_unique<Worker>(o, writer, std::move(ids)));
  }
  loadgen::Report report{o, 0, 0, 0, {}, 0};
  for (auto& w : workers) report.connections_up += w->connect(address);
  if (report.connections_up == 0) {
    std::cerr << "memstripe-bench: cannot connect to " << o.target() << "\n";
    return 1;
  }

  if (o.prefill) {
    const Nanos begin = loadgen::now_ns();
    const RunStats fill = run_phase(
        workers,
        [&](unsigned id) {
          Phase p;
          p.kind = Phase::Kind::kFill;
          p.fill_begin = o.key_count * id / o.connections;
          p.fill_end = o.key_count * (id + 1) / o.connections;
          return p;
        },
        loadgen::kNever);
    report.prefill_s = static_cast<double>(loadgen::now_ns() - begin) / 1e9;
    report.prefill_errors = fill.counters.errors();
  }

  Phase load;
  load.start = loadgen::now_ns();
  load.record_from = load.start + loadgen::seconds_to_ns(o.warmup_s);
  Nanos deadline = loadgen::kNever;
  if (o.requests == 0) {
    load.stop_at = load.record_from + loadgen::seconds_to_ns(o.duration_s);
    deadline = load.stop_at + loadgen::seconds_to_ns(kDrainSeconds);
  }
  report.stats = run_phase(
      workers,
      [&](unsigned id) {
        Phase p = load;
        if (o.requests) p.quota = o.requests / o.connections + (id < o.requests % o.connections ? 1 : 0);
        return p;
      },
      deadline);
  for (auto& w : workers) report.stats.counters += w->connect_stats().counters;
  // A request count is measured up to its last reply; a duration is the window itself.
  report.elapsed_s = o.duration_s;
  if (o.requests)
    report.elapsed_s = report.stats.last_reply_ns > load.record_from
                           ? static_cast<double>(report.stats.last_reply_ns - load.record_from) / 1e9
                           : 0;

  if (!o.quiet) loadgen::print_table(report, std::cout);
  if (o.json_path == "-") {
    loadgen::write_json(report, std::cout);
  } else if (!o.json_path.empty()) {
    std::ofstream json(o.json_path);
    loadgen::write_json(report, json);
    if (!json) {
      std::cerr << "memstripe-bench: cannot write " << o.json_path << "\n";
      return 1;
    }
  }
  return report.stats.counters.errors() == 0 ? 0 : 3;
}
