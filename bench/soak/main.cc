// memstripe-soak: a long, mixed, self-checking load against memcached-compatible servers
// (see options.cc's usage). Values check themselves (value_pattern.h), every reply is read
// and checked (reply.h, connection.cc), resident memory is sampled
// (rss_sampler.h). One thread, one event loop: the servers are what is under load.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "client/json_string.h"
#include "connection.h"
#include "counters.h"
#include "options.h"
#include "rss_sampler.h"
#include "value_pattern.h"

namespace {

using soak::Connection;
using soak::Counters;
using Clock = std::chrono::steady_clock;

// Past the deadline, requests in flight get this long to be answered.
constexpr auto kGrace = std::chrono::seconds(30);

double mib(std::uint64_t kib) { return static_cast<double>(kib) / 1024.0; }

void print_report(const soak::Options& o, const Counters& c, const soak::RssSampler& rss, double elapsed) {
  std::printf("\nsoak: %.1f s, %u connections over", elapsed, o.connections);
  for (const auto& e : o.endpoints) std::printf(" %s", e.name().c_str());
  std::printf("\n  requests         %llu (%.0f/s)\n", static_cast<unsigned long long>(c.total_ops()),
              static_cast<double>(c.total_ops()) / elapsed);
  for (std::size_t i = 0; i < c.ops.size(); ++i) {
    std::printf("%s%s %llu", i % 8 == 0 ? "\n    " : ",", soak::kOpNames[i], static_cast<unsigned long long>(c.ops[i]));
  }
  std::printf("\n  reads checked    %llu (%.1f MiB of values; %llu misses)\n",
              static_cast<unsigned long long>(c.reads_checked), static_cast<double>(c.bytes_read) / (1 << 20),
              static_cast<unsigned long long>(c.misses));
  std::printf("  values written   %.1f MiB\n", static_cast<double>(c.bytes_written) / (1 << 20));
  std::printf("  corrupt reads    %llu\n", static_cast<unsigned long long>(c.corrupt));
  std::printf("  protocol errors  %llu\n", static_cast<unsigned long long>(c.protocol_errors));
  std::printf("  connection errs  %llu\n", static_cast<unsigned long long>(c.connection_errors));
  std::printf("  refused stores   %llu (SERVER_ERROR out of memory)\n", static_cast<unsigned long long>(c.refused));
  for (const auto& s : rss.series()) {
    std::printf("  RSS %-12s pid %d: max %.1f MiB, last %.1f MiB\n", s.process.label.c_str(), s.process.pid,
                mib(s.max_kib()), mib(s.last_kib()));
  }
  for (const std::string& p : c.problems) std::printf("  problem: %s\n", p.c_str());
}

void write_json(const std::string& path, const soak::Options& o, const Counters& c, const soak::RssSampler& rss,
                double elapsed) {
  std::ofstream f(path);
  f << "{\n  \"seconds\": " << elapsed << ",\n  \"connections\": " << o.connections << ",\n  \"endpoints\": [";
  for (std::size_t i = 0; i < o.endpoints.size(); ++i) {
    f << (i ? ", " : "") << client::json_string(o.endpoints[i].name());
  }
  f << "],\n  \"requests\": " << c.total_ops() << ",\n  \"ops\": {";
  for (std::size_t i = 0; i < c.ops.size(); ++i) f << (i ? ", " : "") << '"' << soak::kOpNames[i] << "\": " << c.ops[i];
  f << "},\n  \"replies\": " << c.replies << ",\n  \"reads_checked\": " << c.reads_checked
    << ",\n  \"misses\": " << c.misses << ",\n  \"bytes_read\": " << c.bytes_read
    << ",\n  \"bytes_written\": " << c.bytes_written << ",\n  \"corrupt\": " << c.corrupt
    << ",\n  \"protocol_errors\": " << c.protocol_errors << ",\n  \"connection_errors\": " << c.connection_errors
    << ",\n  \"refused\": " << c.refused << ",\n  \"problems\": [";
  for (std::size_t i = 0; i < c.problems.size(); ++i) f << (i ? ", " : "") << client::json_string(c.problems[i]);
  f << "],\n  \"sample_seconds\": [";
  for (std::size_t i = 0; i < rss.seconds.size(); ++i) f << (i ? ", " : "") << rss.seconds[i];
  f << "],\n  \"rss\": [";
  for (std::size_t i = 0; i < rss.series().size(); ++i) {
    const auto& s = rss.series()[i];
    f << (i ? ",\n    " : "\n    ") << "{\"label\": " << client::json_string(s.process.label) << ", \"pid\": " << s.process.pid
      << ", \"max_kib\": " << s.max_kib() << ", \"last_kib\": " << s.last_kib() << ", \"kib\": [";
    for (std::size_t j = 0; j < s.kib.size(); ++j) f << (j ? ", " : "") << s.kib[j];
    f << "]}";
  }
  f << "]\n}\n";
}

}  // namespace

int main(int argc, char** argv) {
  soak::Options options;
  if (std::string error = soak::parse_options(argc, argv, options); !error.empty()) {
    std::fprintf(stderr, "memstripe-soak: %s\n%s", error.c_str(), soak::usage().c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(soak::usage().c_str(), stdout);
    return 0;
  }

  std::vector<client::SocketAddress> addresses(options.endpoints.size());
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    if (const auto ec = client::resolve(options.endpoints[i], addresses[i])) {
      std::fprintf(stderr, "memstripe-soak: cannot resolve %s: %s\n", options.endpoints[i].name().c_str(),
                   ec.message().c_str());
      return 2;
    }
  }

  const soak::ValuePattern pattern;
  Counters counters;
  soak::RssSampler rss(options.watch);
  boost::asio::io_context io;
  const Clock::time_point start = Clock::now();
  const auto run_for = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds));
  const Clock::time_point deadline = start + run_for;
  const auto since_start = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  std::size_t running = options.connections;
  boost::asio::steady_timer sampler(io);
  boost::asio::steady_timer grace(io);
  auto on_finished = [&] {
    if (--running == 0) {
      sampler.cancel();
      grace.cancel();
    }
  };
  std::vector<std::unique_ptr<Connection>> connections;
  for (unsigned i = 0; i < options.connections; ++i) {
    const std::size_t e = i % options.endpoints.size();
    connections.push_back(std::make_unique<Connection>(options, options.endpoints[e], addresses[e], io, pattern,
                                                       counters, options.seed * 1000003 + i, deadline, on_finished));
  }

  rss.seconds.push_back(0);
  rss.sample();
  const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.interval));
  std::function<void()> tick = [&] {
    sampler.expires_after(interval);
    sampler.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      rss.seconds.push_back(since_start());
      rss.sample();
      if (!options.quiet) {
        std::printf("%6.1fs requests %llu reads %llu corrupt %llu protocol %llu conn %llu", rss.seconds.back(),
                    static_cast<unsigned long long>(counters.total_ops()),
                    static_cast<unsigned long long>(counters.reads_checked),
                    static_cast<unsigned long long>(counters.corrupt),
                    static_cast<unsigned long long>(counters.protocol_errors),
                    static_cast<unsigned long long>(counters.connection_errors));
        for (const auto& s : rss.series()) std::printf(" | %s %.1f MiB", s.process.label.c_str(), mib(s.last_kib()));
        std::printf("\n");
        std::fflush(stdout);
      }
      tick();
    });
  };
  tick();
  grace.expires_at(deadline + kGrace);
  grace.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    for (auto& c : connections) c->abandon();
  });
  for (auto& c : connections) c->start();
  io.run();

  rss.seconds.push_back(since_start());
  rss.sample();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  print_report(options, counters, rss, elapsed);
  if (!options.json.empty()) write_json(options.json, options, counters, rss, elapsed);
  const bool clean = counters.corrupt == 0 && counters.protocol_errors == 0 && counters.connection_errors == 0;
  return clean ? 0 : 3;
}
