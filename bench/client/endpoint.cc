#include "client/endpoint.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "client/numbers.h"

namespace client {

std::string Endpoint::name() const {
  return is_tcp() ? "tcp:" + host + ":" + std::to_string(port) : "unix:" + path;
}

std::optional<Endpoint> tcp_endpoint(std::string_view host_port) {
  const std::size_t colon = host_port.rfind(':');
  Endpoint e;
  if (colon == std::string_view::npos || colon == 0 || !parse_integer(host_port.substr(colon + 1), e.port) ||
      e.port == 0) {
    return std::nullopt;
  }
  e.host = std::string(host_port.substr(0, colon));
  return e;
}

Endpoint unix_endpoint(std::string_view path) {
  Endpoint e;
  e.kind = Endpoint::Kind::kUnix;
  e.path = std::string(path);
  return e;
}

boost::system::error_code resolve(const Endpoint& endpoint, SocketAddress& out) {
  if (!endpoint.is_tcp()) {
    out = boost::asio::local::stream_protocol::endpoint(endpoint.path);
    return {};
  }
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(endpoint.host, std::to_string(endpoint.port), ec);
  if (ec) return ec;
  if (results.empty()) return boost::asio::error::host_not_found;
  out = results.begin()->endpoint();
  return {};
}

}  // namespace client
