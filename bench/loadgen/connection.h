// One client connection driving load: it writes requests, reads and checks the replies,
// and records each request's latency. Closed loop, it keeps `pipeline` requests in flight
// and sends the next as soon as a reply comes. Open loop, it sends on a fixed schedule and
// measures from the scheduled time, so a server that stalls is charged for every request
// that should have gone meanwhile (no coordinated omission).
//
// Everything a request needs is allocated when the connection starts: the in-flight ring,
// the send and receive buffers (they only grow while warming up).
//
// The wire format is RequestWriter's and ReplyParser's (the text or the binary protocol,
// as --protocol says); the byte stream is RequestChannel's, over client::Transport (a plain
// socket or TLS).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <vector>

#include "clock.h"
#include "key_chooser.h"
#include "options.h"
#include "reply_parser.h"
#include "request_channel.h"
#include "request_writer.h"
#include "run_stats.h"

namespace loadgen {

// What a connection does in one phase of a run.
struct Phase {
  enum class Kind : std::uint8_t { kFill, kLoad };
  Kind kind = Kind::kLoad;
  std::uint64_t fill_begin = 0;  // kFill: set keys [fill_begin, fill_end) in order
  std::uint64_t fill_end = 0;
  Nanos start = 0;        // open loop: the schedule's origin
  Nanos record_from = 0;  // replies before this are warmup
  Nanos stop_at = kNever;  // no request is sent at or after this
  static constexpr std::uint64_t kNoQuota = UINT64_MAX;
  std::uint64_t quota = kNoQuota;  // requests to send after record_from, else until stop_at
};

class Connection {
 public:
  // `stats` receives connection errors until start() names the phase's own.
  Connection(boost::asio::io_context& io, const Options& options, const RequestWriter& writer,
             unsigned id, RunStats& stats);

  // Connects synchronously; false (and a counted error) when the server is not there.
  bool connect(const client::SocketAddress& address);
  // Runs `phase` on the event loop, counting into `stats`, until there is nothing more to
  // send and every reply is in, then calls `on_stop`. A broken connection does nothing.
  void start(const Phase& phase, RunStats& stats, std::function<void()> on_stop);
  // Ends the phase now: requests still unanswered are counted so.
  void abort();
  bool running() const noexcept { return running_; }
  bool broken() const noexcept { return broken_; }

 private:
  bool open_loop() const noexcept;
  bool has_more_to_send(Nanos now) const noexcept;
  void send_due(Nanos now);
  void append_request(Nanos scheduled);
  void flush();
  void read();
  void on_read(const boost::system::error_code& ec);
  void complete(const ReplyOutcome& outcome, Nanos now);
  void reconnect();
  void arm_schedule();
  void finish_if_done(Nanos now);
  void fail();
  void stop();
  void drop();

  const Options& options_;
  const RequestWriter& writer_;
  unsigned id_;
  RunStats* stats_;
  RequestChannel channel_;
  client::SocketAddress address_;  // --connection-per-request connects to it again
  boost::asio::steady_timer schedule_timer_;
  KeyChooser keys_;
  ReplyParser parser_;

  Phase phase_;
  std::function<void()> on_stop_;
  bool running_ = false;
  bool broken_ = false;
  bool schedule_armed_ = false;
  std::uint64_t sent_ = 0;       // requests appended this phase
  std::uint64_t counted_ = 0;    // of those, sent after record_from (count mode quota)
  std::uint64_t next_fill_ = 0;  // kFill: next key to set
  std::uint64_t op_cycle_ = 0;   // position in the set:get cycle
  Nanos next_send_ = 0;          // open loop: when the next request is due
  Nanos interval_ = 0;           // open loop: between this connection's requests
  // Binary: the opaque of the next frame written. It runs on across phases, as the reply
  // parser's count of the frames answered does.
  std::uint32_t next_opaque_ = 0;

  // Requests in flight, oldest first, in a ring of `capacity_` slots.
  unsigned capacity_ = 0;
  unsigned width_ = 0;  // key slots per request
  unsigned head_ = 0;
  unsigned in_flight_ = 0;
  std::vector<Nanos> sent_at_;
  std::vector<RequestKind> kind_;
  std::vector<std::uint8_t> key_count_;
  std::vector<std::uint32_t> ring_keys_;
};

}  // namespace loadgen
