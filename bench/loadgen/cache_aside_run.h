// A run of the cache-aside mode: its connections on one event loop, fed one sequence of
// requests, counted into one HitStats. A server that stops answering does not hang it: a
// watchdog ends the run when no reply has come for kStallSeconds.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <vector>

#include "cache_aside_connection.h"
#include "cache_aside_request_writer.h"
#include "hit_stats.h"
#include "options.h"
#include "request_feed.h"
#include "value_pattern.h"

namespace loadgen {

class CacheAsideRun {
 public:
  CacheAsideRun(const Options& options, RequestSource& source);

  // Connects every connection; returns how many are up.
  unsigned connect(const client::SocketAddress& address);
  // Runs to the end of the feed; returns the seconds it took.
  double run();

  const HitStats& stats() const noexcept { return stats_; }
  const RequestFeed& feed() const noexcept { return feed_; }

  static constexpr int kStallSeconds = 10;

 private:
  boost::asio::io_context io_;
  ValuePattern values_;
  CacheAsideRequestWriter writer_;
  RequestFeed feed_;
  HitStats stats_;
  std::vector<std::unique_ptr<CacheAsideConnection>> connections_;
};

}  // namespace loadgen
