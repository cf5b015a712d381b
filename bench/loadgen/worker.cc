#include "worker.h"

#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace loadgen {

Worker::Worker(const Options& options, const RequestWriter& writer, std::vector<unsigned> connection_ids)
    // One thread runs this context: tell Asio, so it can skip its internal locking.
    : io_(1), ids_(std::move(connection_ids)) {
  for (unsigned id : ids_)
    connections_.push_back(std::make_unique<Connection>(io_, options, writer, id, connect_stats_));
}

unsigned Worker::connect(const client::SocketAddress& address) {
  unsigned up = 0;
  for (auto& c : connections_) up += c->connect(address) ? 1 : 0;
  return up;
}

void Worker::run(const std::function<Phase(unsigned id)>& phase_for, RunStats& stats, Nanos deadline) {
  io_.restart();
  boost::asio::steady_timer watchdog(io_);
  std::size_t running = 0;
  auto on_stop = [&] {
    if (--running == 0) watchdog.cancel();
  };
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    if (connections_[i]->broken()) continue;
    ++running;
    connections_[i]->start(phase_for(ids_[i]), stats, on_stop);
  }
  if (running > 0 && deadline != kNever) {
    watchdog.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(deadline)));
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      for (auto& c : connections_) c->abort();
    });
  }
  io_.run();
}

}  // namespace loadgen
