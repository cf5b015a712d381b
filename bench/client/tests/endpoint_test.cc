#include "client/endpoint.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace client {
namespace {

TEST(Endpoint, ReadsHostAndPort) {
  const auto e = tcp_endpoint("127.0.0.1:11211");
  ASSERT_TRUE(e);
  EXPECT_TRUE(e->is_tcp());
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, 11211);
  EXPECT_EQ(e->name(), "tcp:127.0.0.1:11211");
  EXPECT_EQ(tcp_endpoint("::1:80")->host, "::1");  // the last colon splits
}

TEST(Endpoint, RejectsAMissingHostOrPort) {
  EXPECT_FALSE(tcp_endpoint("host"));
  EXPECT_FALSE(tcp_endpoint(":11211"));
  EXPECT_FALSE(tcp_endpoint("host:"));
  EXPECT_FALSE(tcp_endpoint("host:0"));
  EXPECT_FALSE(tcp_endpoint("host:65536"));
  EXPECT_FALSE(tcp_endpoint("host:11211x"));
}

TEST(Endpoint, NamesAUnixSocket) {
  const Endpoint e = unix_endpoint("/tmp/m.sock");
  EXPECT_FALSE(e.is_tcp());
  EXPECT_EQ(e.name(), "unix:/tmp/m.sock");
}

TEST(Endpoint, ResolvesToASocketAddress) {
  SocketAddress address;
  ASSERT_FALSE(resolve(*tcp_endpoint("127.0.0.1:11211"), address));
  EXPECT_EQ(address.protocol().family(), AF_INET);
  ASSERT_FALSE(resolve(unix_endpoint("/tmp/m.sock"), address));
  EXPECT_EQ(address.protocol().family(), AF_UNIX);
  EXPECT_TRUE(resolve(*tcp_endpoint("no-such-host.invalid:1"), address));
}

}  // namespace
}  // namespace client
