// Worker threads: each runs its own event loop (SocketPoller, with its own io_context for
// the work other threads hand it) with the connections it was handed, so a connection's
// every step happens on one thread and needs no lock. The listener hands connections out
// round-robin (the shape of Asio's server2 io_context_pool).
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "protocol/protocol_config.h"
#include "server/connection_services.h"
#include "server/server_state.h"
#include "server/socket_poller.h"
#include "storage/cache.h"

namespace memstripe::server {

class Connection;

class Worker {
 public:
  Worker(ServerState& state, WorkerShared& shared, storage::Cache& cache, const protocol::ProtocolConfig& protocol);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Any thread: serve an accepted (and admitted) client socket on this worker.
  void adopt(int fd, const ListenerRecord& listener);
  // Any thread: stop reading, send the replies already made, close every connection
  // (the ones that do not drain within `grace` are closed anyway); run() then returns.
  void drain(std::chrono::milliseconds grace);
  // The thread's body.
  void run();

 private:
  void start_connection(int fd, const ListenerRecord& listener);
  // A connection of this worker has closed (its client's slot is free again).
  void on_connection_closed();
  void tick();
  bool ticks() const noexcept;  // whether tick() has anything to check
  void linger_check();
  void drain_overdue();
  std::vector<Connection*> connections();

  ServerState& state_;
  // One thread runs this io_context, and it has no I/O objects: Asio's reactor locking is
  // switched off. Posting from other threads stays safe: the scheduler still locks.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  SocketPoller poller_{io_};  // the client sockets; destroyed after the timers in its set
  PollerTimer tick_timer_;    // with -o idle_timeout or -Z, once a second: Connection::tick()
  PollerTimer drain_timer_;
  PollerTimer linger_timer_;  // draining: Connection::linger_check()
  // -Z: the staging buffer of this worker's TLS replies (ConnectionServices::tls_write_buffer).
  std::unique_ptr<char[]> tls_write_buffer_;
  // What this worker's connections use of it; its `draining` is the worker's.
  ConnectionServices services_;
  // Draining: how long a client still sending after its replies went out must stay quiet
  // before its connection may close without a reset.
  static constexpr std::chrono::milliseconds kLingerQuiet{250};
  std::size_t open_connections_ = 0;
};

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, ServerState& state, storage::Cache& cache, const protocol::ProtocolConfig& protocol);
  ~WorkerPool();

  void start();
  // The listener thread only: the next worker in turn.
  Worker& next() noexcept;
  void drain(std::chrono::milliseconds grace);
  void join();

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::size_t next_ = 0;
};

}  // namespace memstripe::server
