// A worker's client sockets in an epoll set of their own, level-triggered, each registered
// once and changed only when what it waits for changes. The worker's io_context waits on
// this set's descriptor and, when it is ready, this dispatches every ready socket.
//
// Why not one Asio wait per socket: Asio's epoll reactor re-arms a socket with epoll_ctl on
// every async_wait, and async_read_some pays a speculative read that returns EAGAIN
// instead: either costs a syscall per request on top of the read and the sendmsg. Here a
// request costs those two, and the set's own wait is shared by every socket ready at once.
//
// Turns: a socket ends its turn after -R requests even with more already read (memcached's
// fairness rule). Those bytes are in its buffer, not the kernel's, so epoll would not
// report it again: the socket asks for another turn (defer()), which it gets after the
// sockets that are ready now.
#pragma once

#include <sys/epoll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <vector>

namespace memstripe::server {

class PolledSocket {
 public:
  // `events` are epoll's (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR).
  virtual void on_events(std::uint32_t events) = 0;
  // The turn asked for with SocketPoller::defer().
  virtual void on_turn() = 0;

 protected:
  ~PolledSocket() = default;
};

class SocketPoller {
 public:
  explicit SocketPoller(boost::asio::io_context& io);
  ~SocketPoller();
  SocketPoller(const SocketPoller&) = delete;
  SocketPoller& operator=(const SocketPoller&) = delete;

  // Starts waiting for ready sockets; the io_context then runs until stop().
  void start();
  void stop();

  // What `fd` waits for: readable, writable, both or neither. False if epoll refused.
  bool add(int fd, PolledSocket& socket, bool read, bool write) noexcept;
  bool change(int fd, PolledSocket& socket, bool read, bool write) noexcept;
  // Closing the descriptor removes it from the set; this is for a socket that stays open.
  void remove(int fd) noexcept;

  // Another turn for `socket`, once the sockets ready now have had theirs. A socket that
  // closes before its turn must cancel_turn().
  void defer(PolledSocket& socket);
  void cancel_turn(PolledSocket& socket) noexcept;

 private:
  void wait();
  void dispatch();
  void run_deferred();

  static constexpr int kMaxEvents = 256;
  int epoll_fd_;
  // The set's descriptor as Asio sees it: readable while any socket in the set is ready.
  boost::asio::posix::basic_stream_descriptor<boost::asio::io_context::executor_type> ready_;
  bool stopped_ = false;
  bool turns_posted_ = false;
  std::vector<PolledSocket*> deferred_;  // waiting for the posted run_deferred()
  std::vector<PolledSocket*> running_;   // in run_deferred(); null once cancelled
  epoll_event events_[kMaxEvents];
};

}  // namespace memstripe::server
