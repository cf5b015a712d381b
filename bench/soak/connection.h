// One soak client connection: sends a random request, reads and checks its reply, sends
// the next, until the deadline; then finishes the request in flight and closes. A
// connection the server drops is counted and opened again.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "client/endpoint.h"
#include "client/transport.h"
#include "counters.h"
#include "options.h"
#include "reply.h"
#include "value_pattern.h"

namespace soak {

class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  // `address` is `endpoint` resolved.
  Connection(const Options& options, const client::Endpoint& endpoint, const client::SocketAddress& address,
             boost::asio::io_context& io, const ValuePattern& pattern, Counters& counters, std::uint64_t seed,
             Clock::time_point deadline, std::function<void()> on_finished);
  void start();
  bool finished() const noexcept { return finished_; }
  // Gives up on the request in flight (the server did not answer in time).
  void abandon();

 private:
  void connect();
  void next_request();
  void send();
  void read();
  void on_reply(const Reply& reply);
  void fail(const std::string& what);
  void finish();

  // Request builders: each fills send_head_/send_value_ and what the reply must be.
  void request_line(std::string line, ReplyKind kind);
  void request_store(const char* command, const std::string& key, std::uint32_t flags, std::string_view value,
                     const std::string& extra = {});
  std::size_t value_size();
  std::string pick_key(KeyKind kind);

  const Options& options_;
  const client::Endpoint& endpoint_;
  const client::SocketAddress& address_;
  const ValuePattern& pattern_;
  Counters& counters_;
  std::mt19937_64 rng_;
  Clock::time_point deadline_;
  std::function<void()> on_finished_;
  client::Transport transport_;

  // The request in flight.
  Op op_ = Op::kGet;
  ReplyKind reply_kind_ = ReplyKind::kLine;
  std::vector<std::string> keys_;   // asked for, in order
  std::string send_head_;
  std::string_view send_value_;     // a plain value: a view into the pattern's table
  std::string segment_;             // an append segment, or a counter's digits
  // After a gets hit, the next request may be a cas with what it returned.
  std::string cas_key_;
  std::uint64_t cas_unique_ = 0;

  std::string received_;
  std::size_t received_end_ = 0;
  bool in_flight_ = false;
  bool finished_ = false;
};

}  // namespace soak
