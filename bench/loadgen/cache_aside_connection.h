// One connection of the cache-aside mode, as an application's: it takes its next get from
// the run's feed, keeps `pipeline` gets in flight, and sets a key as soon as its get
// misses (on the same connection, after what is already in flight). Replies are checked
// by CacheAsideReplyParser and counted into the run's HitStats. Every connection of a run
// shares one event loop (one thread), the feed and the stats.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "cache_aside_reply_parser.h"
#include "cache_aside_request.h"
#include "cache_aside_request_writer.h"
#include "clock.h"
#include "hit_stats.h"
#include "options.h"
#include "request_channel.h"
#include "request_feed.h"

namespace loadgen {

class CacheAsideConnection {
 public:
  CacheAsideConnection(boost::asio::io_context& io, const Options& options, const CacheAsideRequestWriter& writer,
                       const ValuePattern& values, RequestFeed& feed, HitStats& stats);

  bool connect(const client::SocketAddress& address);
  // Runs until the feed is out and every reply is in, then calls `on_stop`.
  void start(std::function<void()> on_stop);
  // Ends now: what is unanswered is counted so.
  void abort();
  bool broken() const noexcept { return broken_; }
  std::uint64_t replies() const noexcept { return replies_; }

 private:
  struct Pending {
    CacheAsideRequest request;
    std::uint64_t sequence = 0;
    Nanos sent_at = 0;
    bool is_set = false;
  };

  void top_up(Nanos now);
  void flush();
  void read();
  void on_read(const boost::system::error_code& ec);
  void complete(const CacheAsideOutcome& outcome, Nanos now);
  void finish_if_done();
  void fail();
  void stop();
  void drop();

  unsigned pipeline_;
  const CacheAsideRequestWriter& writer_;
  RequestFeed& feed_;
  HitStats& stats_;
  RequestChannel channel_;
  CacheAsideReplyParser parser_;
  std::function<void()> on_stop_;

  bool running_ = false;
  bool broken_ = false;
  unsigned gets_in_flight_ = 0;
  std::uint64_t replies_ = 0;
  std::deque<Pending> in_flight_;  // oldest first: the server answers in order
};

}  // namespace loadgen
