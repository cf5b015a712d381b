#include "server/socket_poller.h"

#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace memstripe::server {
namespace {

std::uint32_t interest(bool read, bool write) noexcept {
  // Hang-ups and errors are always reported; with nothing asked for, they still wake the
  // socket so it can close.
  return (read ? EPOLLIN | EPOLLRDHUP : 0u) | (write ? EPOLLOUT : 0u);
}

int checked(int fd, const char* what) {
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  return fd;
}

}  // namespace

SocketPoller::SocketPoller(boost::asio::io_context& io)
    : io_(io),
      work_(boost::asio::make_work_guard(io)),
      epoll_fd_(checked(::epoll_create1(EPOLL_CLOEXEC), "epoll_create1")),
      waker_(checked(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd")) {
  if (!add(waker_.fd_, waker_, true, false)) throw std::system_error(errno, std::generic_category(), "epoll_ctl");
}

SocketPoller::~SocketPoller() {
  ::close(waker_.fd_);
  ::close(epoll_fd_);
}

void SocketPoller::run() {
  stopped_ = false;
  io_.restart();
  while (!stopped_) {
    // A socket waiting for its turn has its requests buffered already: only look.
    const int timeout = deferred_.empty() ? -1 : 0;
    const int ready = ::epoll_wait(epoll_fd_, events_, kMaxEvents, timeout);
    if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "epoll_wait");
    dispatch(ready);
    if (!deferred_.empty()) run_deferred();
    io_.poll();
  }
}

bool SocketPoller::add(int fd, PolledSocket& socket, bool read, bool write) noexcept {
  epoll_event ev{interest(read, write), {&socket}};
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool SocketPoller::change(int fd, PolledSocket& socket, bool read, bool write) noexcept {
  epoll_event ev{interest(read, write), {&socket}};
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void SocketPoller::defer(PolledSocket& socket) { deferred_.push_back(&socket); }

void SocketPoller::cancel_turn(PolledSocket& socket) noexcept {
  std::erase(deferred_, &socket);
  std::replace(running_.begin(), running_.end(), &socket, static_cast<PolledSocket*>(nullptr));
}

void SocketPoller::run_deferred() {
  // A socket that asks again during its turn goes into a fresh list, for the next round.
  running_.swap(deferred_);
  for (std::size_t i = 0; i < running_.size(); ++i) {
    if (PolledSocket* socket = running_[i]) socket->on_turn();
  }
  running_.clear();
}

void SocketPoller::dispatch(int ready) {
  // A socket may close (and free itself) in its handler; epoll reports each socket at most
  // once per call, so no later entry of this batch points at it.
  for (int i = 0; i < ready; ++i) static_cast<PolledSocket*>(events_[i].data.ptr)->on_events(events_[i].events);
}

void SocketPoller::wake() noexcept {
  const std::uint64_t one = 1;
  // Fails only when the counter would overflow: the loop is awake then anyway.
  [[maybe_unused]] ssize_t n = ::write(waker_.fd_, &one, sizeof one);
}

void SocketPoller::Waker::on_events(std::uint32_t) {
  std::uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(fd_, &count, sizeof count);  // the posted handlers run after this round
}

PollerTimer::PollerTimer(SocketPoller& poller, std::function<void()> on_expiry)
    : poller_(poller),
      fd_(checked(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), "timerfd_create")),
      on_expiry_(std::move(on_expiry)) {
  if (!poller.add(fd_, *this, true, false)) {
    ::close(fd_);
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

PollerTimer::~PollerTimer() { ::close(fd_); }

void PollerTimer::expires_after(std::chrono::milliseconds delay) noexcept {
  fired_ = false;
  const auto ms = std::max<std::chrono::milliseconds::rep>(delay.count(), 1);  // 0 would disarm
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ms / 1000);
  spec.it_value.tv_nsec = static_cast<long>(ms % 1000) * 1'000'000;
  ::timerfd_settime(fd_, 0, &spec, nullptr);
}

void PollerTimer::cancel() noexcept {
  fired_ = false;
  const itimerspec disarm{};
  ::timerfd_settime(fd_, 0, &disarm, nullptr);
}

void PollerTimer::on_events(std::uint32_t) {
  std::uint64_t expirations;
  // Nothing to read when cancel() came after the expiry, in the same round: no callback.
  if (::read(fd_, &expirations, sizeof expirations) != sizeof expirations) return;
  fired_ = true;
  poller_.later([this] {
    if (!fired_) return;
    fired_ = false;
    on_expiry_();
  });
}

}  // namespace memstripe::server
