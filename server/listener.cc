#include "server/listener.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <spdlog/spdlog.h>
#include <string_view>

#include "protocol/responses.h"

namespace memstripe::server {

Listener::Listener(boost::asio::io_context& io, ListenSocket& socket, const ListenerRecord& record,
                   WorkerPool& workers, ServerState& state)
    : socket_(io), retry_timer_(io), record_(record), workers_(workers), state_(state) {
  boost::system::error_code ec;
  socket_.assign(socket.fd, ec);
  if (ec) {
    spdlog::error("cannot watch {}: {}", record.address, ec.message());
    ::close(socket.fd);
    stopped_ = true;
  }
  socket.fd = -1;  // owned here now
}

void Listener::start() {
  if (!stopped_) wait();
}

void Listener::stop() {
  stopped_ = true;
  retry_timer_.cancel();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void Listener::wait() {
  socket_.async_wait(boost::asio::posix::descriptor_base::wait_read, [this](const boost::system::error_code& ec) {
    if (stopped_ || ec == boost::asio::error::operation_aborted) return;
    if (ec) {
      spdlog::error("listening on {} failed: {}", record_.address, ec.message());
      return;
    }
    accept_pending();
  });
}

void Listener::accept_pending() {
  for (;;) {
    int fd = ::accept4(socket_.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      if (!state_.try_admit()) {
        turn_away(fd);
        continue;
      }
      workers_.next().adopt(fd, record_);
      continue;
    }
    switch (errno) {
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
        continue;
      case EAGAIN:
        return wait();
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM: {
        // Out of descriptors or memory: the pending client stays queued; try again soon
        // rather than spin on a socket that stays readable.
        spdlog::warn("cannot accept on {}: {}; retrying in 100 ms", record_.address, std::strerror(errno));
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait([this](const boost::system::error_code& ec) {
          if (!ec && !stopped_) accept_pending();
        });
        return;
      }
      default:
        spdlog::error("accept on {} failed: {}", record_.address, std::strerror(errno));
        return wait();
    }
  }
}

void Listener::turn_away(int fd) {
  SPDLOG_DEBUG("<{} over the connection limit (-c {}): turned away", fd, state_.options().max_connections);
  // A fresh socket's send buffer has room: this either goes out whole or not at all.
  const std::string_view reply = protocol::reply::kTooManyConnections;
  ssize_t ignored = ::send(fd, reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  (void)ignored;
  ::close(fd);
}

}  // namespace memstripe::server
