#include "client/transport.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>

namespace client {

boost::system::error_code Transport::connect(const SocketAddress& address) {
  boost::system::error_code ec;
  socket_.connect(address, ec);
  if (!ec) ec = connected(address.protocol().family());
  return ec;
}

boost::system::error_code Transport::connected(int family) {
  boost::system::error_code ec;
  if (family == AF_INET || family == AF_INET6) socket_.set_option(boost::asio::ip::tcp::no_delay(true), ec);
  if (!ec) socket_.non_blocking(true, ec);
  return ec;
}

std::size_t Transport::try_write(boost::asio::const_buffer bytes, boost::system::error_code& ec) {
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
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace client
