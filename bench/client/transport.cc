#include "client/transport.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>

namespace client {

void Transport::use_tls(std::shared_ptr<const TlsContext> context, std::string host) {
  tls_context_ = std::move(context);
  tls_host_ = std::move(host);
}

boost::system::error_code Transport::connect(const SocketAddress& address) {
  boost::system::error_code ec;
  socket_.connect(address, ec);
  if (ec) return ec;
  if (tls_context_) {
    // The socket still blocks here: the handshake runs to its end in this call.
    start_session();
    if (session_->handshake(ec) != TlsSession::Step::kDone && !ec) ec = boost::asio::error::would_block;
    if (ec) return ec;
  }
  return connected(address.protocol().family());
}

void Transport::start_session() {
  session_.reset();
  session_.emplace(*tls_context_, socket_.native_handle(), tls_host_);
}

boost::system::error_code Transport::connected(int family) {
  boost::system::error_code ec;
  if (family == AF_INET || family == AF_INET6) socket_.set_option(boost::asio::ip::tcp::no_delay(true), ec);
  if (!ec) socket_.non_blocking(true, ec);
  return ec;
}

std::size_t Transport::try_write(boost::asio::const_buffer bytes, boost::system::error_code& ec) {
  if (session_) {
    // What OpenSSL takes now; one that would block takes 0, and async_write retries
    // from the caller's copy of the same bytes (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).
    std::size_t n = 0;
    const TlsSession::Step step = session_->write(bytes.data(), bytes.size(), n, ec);
    return step == TlsSession::Step::kDone ? n : 0;
  }
  const std::size_t n = socket_.write_some(bytes, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
    ec = {};
    return 0;
  }
  return n;
}

void Transport::cancel() noexcept {
  boost::system::error_code ignored;
  socket_.cancel(ignored);
}

void Transport::close() noexcept {
  if (session_) session_->shutdown();
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace client
