// A worker thread's event loop: its client sockets in an epoll set of their own,
// level-triggered, each registered once and changed only when what it waits for changes;
// the worker's io_context carries the work other threads hand it (post()).
//
// Why not Asio's reactor: it re-arms a descriptor with epoll_ctl on every async_wait, and
// async_read_some pays a speculative read that returns EAGAIN instead. Waiting on this set
// through Asio (an async_wait on the set's descriptor) still cost a second epoll_wait and
// an epoll_ctl per wake-up: five syscalls for a lone client's request where memcached
// makes three. Here the loop blocks in epoll_wait on the set itself, so a request costs
// that wait, its recv and its send, and a wait is shared by every socket ready at once.
// The io_context has no I/O objects and no timers (those would start Asio's reactor), so
// running its ready handlers costs no syscall; a post() from another thread wakes the loop
// through an eventfd in the set.
//
// Turns: a socket ends its turn after -R requests even with more already read (memcached's
// fairness rule). Those bytes are in its buffer, not the kernel's, so epoll would not
// report it again: the socket asks for another turn (defer()), which it gets after the
// sockets that are ready now.
#pragma once

#include <sys/epoll.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace memstripe::server {

class PolledSocket {
 public:
  // `events` are epoll's (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR).
  virtual void on_events(std::uint32_t events) = 0;
  // The turn asked for with SocketPoller::defer().
  virtual void on_turn() {}

 protected:
  ~PolledSocket() = default;
};

class SocketPoller {
 public:
  explicit SocketPoller(boost::asio::io_context& io);
  ~SocketPoller();
  SocketPoller(const SocketPoller&) = delete;
  SocketPoller& operator=(const SocketPoller&) = delete;

  // The thread's body: until stop(), wait for ready sockets and dispatch them, give the
  // turns asked for, and run the io_context's ready handlers.
  void run();
  // On the loop's thread: run() returns once the current round is over.
  void stop() noexcept { stopped_ = true; }

  // Any thread: run `handler` on the loop's thread.
  template <typename Handler>
  void post(Handler&& handler) {
    boost::asio::post(io_, std::forward<Handler>(handler));
    wake();
  }

  // On the loop's thread: run `handler` once this round's sockets have been dispatched
  // (where closing other sockets is safe: no event of theirs is left to deliver).
  template <typename Handler>
  void later(Handler&& handler) {
    boost::asio::post(io_, std::forward<Handler>(handler));
  }

  // What `fd` waits for: readable, writable, both or neither. False if epoll refused.
  // Closing the descriptor takes it out of the set.
  bool add(int fd, PolledSocket& socket, bool read, bool write) noexcept;
  bool change(int fd, PolledSocket& socket, bool read, bool write) noexcept;

  // Another turn for `socket`, once the sockets ready now have had theirs. A socket that
  // closes before its turn must cancel_turn().
  void defer(PolledSocket& socket);
  void cancel_turn(PolledSocket& socket) noexcept;

 private:
  // The eventfd other threads write to after posting.
  class Waker final : public PolledSocket {
   public:
    explicit Waker(int fd) : fd_(fd) {}
    void on_events(std::uint32_t events) override;
    int fd_;
  };

  void wake() noexcept;
  void dispatch(int ready);
  void run_deferred();

  static constexpr int kMaxEvents = 256;
  boost::asio::io_context& io_;
  // run() keeps polling the io_context, which would stop itself once out of work.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  int epoll_fd_;
  Waker waker_;
  bool stopped_ = false;
  std::vector<PolledSocket*> deferred_;  // waiting for the next run_deferred()
  std::vector<PolledSocket*> running_;   // in run_deferred(); null once cancelled
  epoll_event events_[kMaxEvents];
};

// A one-shot timer in a SocketPoller's set (a timerfd): the loop's timers cost no Asio
// reactor. The callback runs on the loop's thread, after the round's sockets (later()), so
// it may close any of them; not after cancel().
class PollerTimer final : public PolledSocket {
 public:
  PollerTimer(SocketPoller& poller, std::function<void()> on_expiry);
  ~PollerTimer();
  PollerTimer(const PollerTimer&) = delete;
  PollerTimer& operator=(const PollerTimer&) = delete;

  void expires_after(std::chrono::milliseconds delay) noexcept;
  void cancel() noexcept;

 private:
  void on_events(std::uint32_t events) override;

  SocketPoller& poller_;
  int fd_;
  bool fired_ = false;  // expired, callback not yet run
  std::function<void()> on_expiry_;
};

}  // namespace memstripe::server
