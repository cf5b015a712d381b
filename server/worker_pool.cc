#include "server/worker_pool.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "server/connection.h"

namespace memstripe::server {

Worker::Worker(ServerState& state, WorkerShared& shared, storage::Cache& cache,
               const protocol::ProtocolConfig& protocol)
    : state_(state),
      shared_(shared),
      cache_(cache),
      protocol_(protocol),
      tick_timer_(poller_, [this] { tick(); }),
      drain_timer_(poller_, [this] { drain_overdue(); }),
      linger_timer_(poller_, [this] { linger_check(); }) {
  if (state_.options().idle_timeout > 0) tick_timer_.expires_after(std::chrono::seconds(1));
}

Worker::~Worker() = default;

void Worker::adopt(int fd, const ListenerRecord& listener) {
  poller_.post([this, fd, &listener] { start_connection(fd, listener); });
}

void Worker::start_connection(int fd, const ListenerRecord& listener) {
  ++open_connections_;
  if (draining_) {
    ::close(fd);
    on_connection_closed();
    return;
  }
  Connection::open(*this, fd, listener);
}

void Worker::on_connection_closed() {
  state_.release();
  --open_connections_;
  if (draining_ && open_connections_ == 0) {
    drain_timer_.cancel();
    linger_timer_.cancel();
    poller_.stop();  // nothing left to wait for: run() returns
  }
}

std::vector<Connection*> Worker::connections() {
  std::vector<Connection*> list;
  registry().for_each([&](ConnectionRecord& r) { list.push_back(static_cast<Connection*>(&r)); });
  return list;
}

void Worker::drain(std::chrono::milliseconds grace) {
  poller_.post([this, grace] {
    draining_ = true;
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
  // A handler never throws (errors arrive as error_codes); an exception escaping one is a
  // bug, and ends the process through std::terminate.
  poller_.run();
}

void Worker::tick() {
  if (draining_) return;
  const storage::RelTime now = cache_.clock().now();
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
