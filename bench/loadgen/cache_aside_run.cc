#include "cache_aside_run.h"

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>

#include "clock.h"

namespace loadgen {

namespace {
// A 20th of the run, so the hit ratio over time has about 20 points; a trace's length is
// not known ahead: 1000 gets.
std::uint64_t default_interval(const Options& o) {
  if (o.requests == 0) return 1000;
  return o.requests >= 20 ? o.requests / 20 : 1;
}
}  // namespace

CacheAsideRun::CacheAsideRun(const Options& options, RequestSource& source)
    : io_(1),
      values_(options.value_cap, options.seed),
      writer_(options.key_size, values_),
      feed_(source, options.warmup_requests, options.requests) {
  stats_.interval = options.interval_requests ? options.interval_requests : default_interval(options);
  for (unsigned i = 0; i < options.connections; ++i)
    connections_.push_back(std::make_unique<CacheAsideConnection>(io_, options, writer_, values_, feed_, stats_));
}

unsigned CacheAsideRun::connect(const client::SocketAddress& address) {
  unsigned up = 0;
  for (auto& c : connections_) up += c->connect(address) ? 1 : 0;
  return up;
}

double CacheAsideRun::run() {
  const Nanos begin = now_ns();
  std::size_t running = 0;
  boost::asio::steady_timer watchdog(io_);
  std::uint64_t replies_seen = 0;
  std::function<void()> watch = [&] {
    watchdog.expires_after(std::chrono::seconds(kStallSeconds));
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      std::uint64_t replies = 0;
      for (auto& c : connections_) replies += c->replies();
      if (replies == replies_seen) {
        for (auto& c : connections_) c->abort();
        return;
      }
      replies_seen = replies;
      watch();
    });
  };
  auto on_stop = [&] {
    if (--running == 0) watchdog.cancel();
  };
  for (auto& c : connections_)
    if (!c->broken()) ++running;
  // Counted before any starts: a connection can stop inside start().
  const std::size_t to_start = running;
  if (to_start > 0) watch();
  for (auto& c : connections_)
    if (!c->broken()) c->start(on_stop);
  io_.run();
  return static_cast<double>(now_ns() - begin) / 1e9;
}

}  // namespace loadgen
