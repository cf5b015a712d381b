#include "server/socket_poller.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <boost/asio/post.hpp>
#include <system_error>

namespace memstripe::server {
namespace {

std::uint32_t interest(bool read, bool write) noexcept {
  // Hang-ups and errors are always reported; with nothing asked for, they still wake the
  // socket so it can close.
  return (read ? EPOLLIN | EPOLLRDHUP : 0u) | (write ? EPOLLOUT : 0u);
}

}  // namespace

SocketPoller::SocketPoller(boost::asio::io_context& io) : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), ready_(io) {
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  ready_.assign(epoll_fd_);
}

SocketPoller::~SocketPoller() {
  boost::system::error_code ignored;
  ready_.close(ignored);  // closes epoll_fd_
}

void SocketPoller::start() {
  stopped_ = false;
  wait();
}

void SocketPoller::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  ready_.cancel(ignored);
}

bool SocketPoller::add(int fd, PolledSocket& socket, bool read, bool write) noexcept {
  epoll_event ev{interest(read, write), {&socket}};
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool SocketPoller::change(int fd, PolledSocket& socket, bool read, bool write) noexcept {
  epoll_event ev{interest(read, write), {&socket}};
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void SocketPoller::remove(int fd) noexcept { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void SocketPoller::defer(PolledSocket& socket) {
  deferred_.push_back(&socket);
  if (turns_posted_) return;
  turns_posted_ = true;
  boost::asio::post(ready_.get_executor(), [this] { run_deferred(); });
}

void SocketPoller::cancel_turn(PolledSocket& socket) noexcept {
  std::erase(deferred_, &socket);
  std::replace(running_.begin(), running_.end(), &socket, static_cast<PolledSocket*>(nullptr));
}

void SocketPoller::run_deferred() {
  turns_posted_ = false;
  if (stopped_) return deferred_.clear();
  // A socket that asks again during its turn goes into a fresh list, run after the next
  // sockets ready on epoll.
  running_.swap(deferred_);
  for (std::size_t i = 0; i < running_.size(); ++i) {
    if (PolledSocket* socket = running_[i]) socket->on_turn();
  }
  running_.clear();
}

void SocketPoller::wait() {
  ready_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;  // operation_aborted: stop()
    dispatch();
    if (!stopped_) wait();  // a socket's handler may have stopped the worker
  });
}

void SocketPoller::dispatch() {
  int n;
  do {
    n = ::epoll_wait(epoll_fd_, events_, kMaxEvents, 0);
  } while (n < 0 && errno == EINTR);
  // A socket may close (and free itself) in its handler; epoll reports each socket at most
  // once per call, so no later entry of this batch points at it.
  for (int i = 0; i < n; ++i) static_cast<PolledSocket*>(events_[i].data.ptr)->on_events(events_[i].events);
}

}  // namespace memstripe::server
