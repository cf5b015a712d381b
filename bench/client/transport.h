// A connection's byte stream to a server: what both clients read and write through, and
// the seam for TLS. Today it is a plain socket, TCP or UNIX (Asio's generic stream). TLS
// (issue 15) goes in here, as an asio::ssl::stream over this socket chosen at connect
// (and the handshake inside connect/async_connect): the clients use only these members,
// so neither changes. Handlers pass through as they are, without type erasure: an
// operation allocates nothing beyond what Asio recycles.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <utility>

#include "client/endpoint.h"

namespace client {

class Transport {
 public:
  explicit Transport(boost::asio::io_context& io) : socket_(io) {}

  // Connects now, blocking. Then Nagle is off (over TCP) and the socket does not block, so
  // that try_write never waits.
  boost::system::error_code connect(const SocketAddress& address);
  // Connects on the event loop; handler(error_code). A closed transport connects again.
  template <typename Handler>
  void async_connect(const SocketAddress& address, Handler&& handler) {
    socket_.async_connect(address, [this, family = address.protocol().family(),
                                    h = std::forward<Handler>(handler)](boost::system::error_code ec) mutable {
      if (!ec) ec = connected(family);
      h(ec);
    });
  }

  // Writes what the kernel takes now, without waiting: the bytes taken, 0 when it would
  // block (a transport that cannot write in place, as TLS may not, takes 0 and the caller
  // goes through async_write).
  std::size_t try_write(boost::asio::const_buffer bytes, boost::system::error_code& ec);
  // Writes all of `buffers` (a buffer or a sequence of them) on the event loop;
  // handler(error_code, bytes written).
  template <typename Buffers, typename Handler>
  void async_write(const Buffers& buffers, Handler&& handler) {
    boost::asio::async_write(socket_, buffers, std::forward<Handler>(handler));
  }
  // Reads what has arrived, at least a byte, into `into`; handler(error_code, bytes read).
  template <typename Handler>
  void async_read_some(boost::asio::mutable_buffer into, Handler&& handler) {
    socket_.async_read_some(into, std::forward<Handler>(handler));
  }

  // Ends the operations in progress (their handlers get operation_aborted); the
  // connection stays up for the next ones.
  void cancel() noexcept;
  void close() noexcept;

 private:
  boost::system::error_code connected(int family);

  boost::asio::generic::stream_protocol::socket socket_;
};

}  // namespace client
