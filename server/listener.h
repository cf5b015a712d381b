// Accepts clients on one listening socket (TCP or UNIX: the same code) on the main
// thread's io_context, turns away those over -c, and hands the rest to the workers in
// turn.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/connection_registry.h"
#include "server/listen_socket.h"
#include "server/server_state.h"
#include "server/worker_pool.h"

namespace memstripe::server {

class Listener {
 public:
  // Takes the socket's descriptor; `record` (what `stats conns` shows) must outlive this.
  Listener(boost::asio::io_context& io, ListenSocket& socket, const ListenerRecord& record, WorkerPool& workers,
           ServerState& state);

  void start();
  // Stops accepting and closes the listening socket.
  void stop();

 private:
  void wait();
  void accept_pending();
  void turn_away(int fd);

  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer retry_timer_;
  const ListenerRecord& record_;
  WorkerPool& workers_;
  ServerState& state_;
  bool stopped_ = false;
};

}  // namespace memstripe::server
