#include "server/worker_pool.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "server/connection.h"

namespace memstripe::server {

Worker::Worker(ServerState& state, WorkerShared& shared, storage::Cache& cache,
               const protocol::ProtocolConfig& protocol)
    : state_(state),
      tick_timer_(poller_, [this] { tick(); }),
      drain_timer_(poller_, [this] { drain_overdue(); }),
      linger_timer_(poller_, [this] { linger_check(); }),
      services_{.poller = poller_,
                .buffers = {},
                .output_queues = {},
                .registry = shared.connections,
                .commands = shared.commands,
                .cache = cache,
                .server = state,
                .protocol = protocol,
                .requests = {},
                .requests_per_event = state.options().requests_per_event,
                .draining = false,
                .on_closed = [this] { on_connection_closed(); },
                .tls = nullptr,
                .tls_write_buffer = {}} {
  if (TlsContext* tls = state_.tls(); tls != nullptr) {
    tls_write_buffer_ = std::make_unique<char[]>(tls->options().write_buffer);
    services_.tls = tls;
    services_.tls_write_buffer = {tls_write_buffer_.get(), tls->options().write_buffer};
  }
  if (ticks()) tick_timer_.expires_after(std::chrono::seconds(1));
}

bool Worker::ticks() const noexcept { return state_.options().idle_timeout > 0 || services_.tls != nullptr; }

Worker::~Worker() = default;

void Worker::adopt(int fd, const ListenerRecord& listener) {
  poller_.post([this, fd, &listener] { start_connection(fd, listener); });
}

void Worker::start_connection(int fd, const ListenerRecord& listener) {
  ++open_connections_;
  if (services_.draining) {
    ::close(fd);
    on_connection_closed();
    return;
  }
  Connection::open(services_, fd, listener);
}

void Worker::on_connection_closed() {
  state_.release();
  --open_connections_;
  if (services_.draining && open_connections_ == 0) {
    drain_timer_.cancel();
    linger_timer_.cancel();
    poller_.stop();  // nothing left to wait for: run() returns
  }
}

std::vector<Connection*> Worker::connections() {
  std::vector<Connection*> list;
  services_.registry.for_each([&](ConnectionRecord& r) { list.push_back(static_cast<Connection*>(&r)); });
  return list;
}

void Worker::drain(std::chrono::milliseconds grace) {
  poller_.post([this, grace] {
    services_.draining = true;
    tick_timer_.cancel();
    if (open_connections_ == 0) return poller_.stop();
    drain_timer_.expires_after(grace);
    for (Connection* c : connections()) c->drain();
    if (open_connections_ > 0) linger_timer_.expires_after(kLingerQuiet);
  });
}

void Worker::drain_overdue() {
  auto left = connections();
  if (!left.empty()) spdlog::warn("closing {} connections whose replies were not read in time", left.size());
  for (Connection* c : left) c->close();
}

void Worker::linger_check() {
  for (Connection* c : connections()) c->linger_check();
  if (open_connections_ > 0) linger_timer_.expires_after(kLingerQuiet);
}

void Worker::run() {
  // A connection's failures (a refused epoll_ctl, a read or a write that fails) close that
  // connection, reported by errno, and the loop goes on. What escapes run() has no
  // connection to blame (epoll_wait failing, memory running out inside a handler): it
  // leaves the thread's body and ends the process through std::terminate.
  poller_.run();
}

void Worker::tick() {
  if (services_.draining) return;
  const storage::RelTime now = services_.cache.clock().now();
  const unsigned idle_timeout = state_.options().idle_timeout;
  for (Connection* c : connections()) c->tick(now, idle_timeout);
  tick_timer_.expires_after(std::chrono::seconds(1));
}

WorkerPool::WorkerPool(std::size_t threads, ServerState& state, storage::Cache& cache,
                       const protocol::ProtocolConfig& protocol) {
  workers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    workers_.push_back(std::make_unique<Worker>(state, state.add_worker(), cache, protocol));
  }
}

WorkerPool::~WorkerPool() { join(); }

void WorkerPool::start() {
  threads_.reserve(workers_.size());
  for (auto& w : workers_) threads_.emplace_back([worker = w.get()] { worker->run(); });
}

Worker& WorkerPool::next() noexcept {
  Worker& w = *workers_[next_];
  next_ = (next_ + 1) % workers_.size();
  return w;
}

void WorkerPool::drain(std::chrono::milliseconds grace) {
  for (auto& w : workers_) w->drain(grace);
}

void WorkerPool::join() {
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace memstripe::server
