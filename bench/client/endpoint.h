// Where a client connects: a TCP host and port, or a UNIX socket's path, as a command line
// names it; and the socket address it resolves to, which Transport connects to.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace client {

// Either transport's address: Asio's generic stream endpoint holds an IPv4, IPv6 or UNIX one.
using SocketAddress = boost::asio::generic::stream_protocol::endpoint;

struct Endpoint {
  enum class Kind : std::uint8_t { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;        // kTcp
  std::uint16_t port = 0;  // kTcp
  std::string path;        // kUnix

  bool is_tcp() const noexcept { return kind == Kind::kTcp; }
  // "tcp:HOST:PORT" or "unix:PATH": how reports name it.
  std::string name() const;
};

// "HOST:PORT", split at the last colon; empty when the host is missing or the port is not
// in 1..65535.
std::optional<Endpoint> tcp_endpoint(std::string_view host_port);
Endpoint unix_endpoint(std::string_view path);

// The socket address of `endpoint`: a UNIX path as it is, a TCP host through the resolver
// (its first address). Resolves once, blocking: do it before connecting many times.
boost::system::error_code resolve(const Endpoint& endpoint, SocketAddress& out);

}  // namespace client
