#include "client/transport.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <string>

namespace client {
namespace {

// Connects to `acceptor`, writes a request through try_write and reads a reply on the
// event loop.
template <typename Protocol>
void expect_a_round_trip(boost::asio::io_context& io, typename Protocol::acceptor& acceptor,
                         const SocketAddress& address) {
  Transport transport(io);
  ASSERT_FALSE(transport.connect(address));
  typename Protocol::socket server(io);
  acceptor.accept(server);

  boost::system::error_code ec;
  const std::string request = "get k\r\n";
  EXPECT_EQ(transport.try_write(boost::asio::buffer(request), ec), request.size());
  EXPECT_FALSE(ec);
  std::string received(request.size(), '\0');
  boost::asio::read(server, boost::asio::buffer(received));
  EXPECT_EQ(received, request);

  boost::asio::write(server, boost::asio::buffer(std::string("END\r\n")));
  char reply[16];
  std::size_t got = 0;
  transport.async_read_some(boost::asio::buffer(reply), [&](const boost::system::error_code& e, std::size_t n) {
    EXPECT_FALSE(e);
    got = n;
  });
  io.run();
  io.restart();
  EXPECT_EQ(std::string(reply, got), "END\r\n");
}

TEST(Transport, CarriesBytesOverTcp) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  SocketAddress address = acceptor.local_endpoint();
  expect_a_round_trip<boost::asio::ip::tcp>(io, acceptor, address);
}

TEST(Transport, CarriesBytesOverAUnixSocket) {
  const std::string path = testing::TempDir() + "transport_test." + std::to_string(getpid()) + ".sock";
  ::unlink(path.c_str());
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::acceptor acceptor(io, boost::asio::local::stream_protocol::endpoint(path));
  SocketAddress address = boost::asio::local::stream_protocol::endpoint(path);
  expect_a_round_trip<boost::asio::local::stream_protocol>(io, acceptor, address);
  ::unlink(path.c_str());
}

TEST(Transport, ConnectsAgainOnTheEventLoopAfterAClose) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const SocketAddress address = acceptor.local_endpoint();
  Transport transport(io);
  int connected = 0;
  for (int round = 0; round < 2; ++round) {
    transport.close();
    transport.async_connect(address, [&](const boost::system::error_code& ec) {
      EXPECT_FALSE(ec) << ec.message();
      ++connected;
    });
    io.run();
    io.restart();
    boost::asio::ip::tcp::socket server(io);
    acceptor.accept(server);
  }
  EXPECT_EQ(connected, 2);
}

TEST(Transport, ARefusedConnectionIsAnError) {
  boost::asio::io_context io;
  SocketAddress address = boost::asio::local::stream_protocol::endpoint(testing::TempDir() + "no-server-here.sock");
  Transport transport(io);
  EXPECT_TRUE(transport.connect(address));
}

}  // namespace
}  // namespace client
