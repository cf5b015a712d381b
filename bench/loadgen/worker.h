// One load-generating thread: its own io_context (no locks between threads) and its share
// of the connections. A run is a sequence of phases (pre-fill, then load); the worker
// runs each to its end, or to a deadline after which what is still unanswered counts as
// lost.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <vector>

#include "clock.h"
#include "connection.h"
#include "run_stats.h"

namespace loadgen {

class Worker {
 public:
  Worker(const Options& options, const RequestWriter& writer, std::vector<unsigned> connection_ids);

  // Connects every connection; returns how many are up. Failures count in stats().
  unsigned connect(const client::SocketAddress& address);
  // Runs one phase on the calling thread, counting into `stats`; `phase_for` gives each
  // connection (by its global id) its part.
  void run(const std::function<Phase(unsigned id)>& phase_for, RunStats& stats, Nanos deadline);

  RunStats& connect_stats() noexcept { return connect_stats_; }

 private:
  boost::asio::io_context io_;
  std::vector<unsigned> ids_;
  std::vector<std::unique_ptr<Connection>> connections_;
  RunStats connect_stats_;
};

}  // namespace loadgen
