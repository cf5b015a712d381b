// `stats conns` formatting and the address formats it uses, without sockets where none are
// needed: listeners are plain records, UNIX clients are never looked up (as memcached).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include "server/connection_registry.h"
#include "server/socket_address.h"

namespace memstripe::server {
namespace {

TEST(SocketAddress, FormatsLikeMemcachedsStatsConns) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(11211);
  inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
  EXPECT_EQ(format_socket_address(reinterpret_cast<sockaddr*>(&in), sizeof in), "tcp:127.0.0.1:11211");

  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_port = htons(4242);
  inet_pton(AF_INET6, "::1", &in6.sin6_addr);
  EXPECT_EQ(format_socket_address(reinterpret_cast<sockaddr*>(&in6), sizeof in6), "tcp6:[::1]:4242");

  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strcpy(un.sun_path, "/tmp/m.sock");
  EXPECT_EQ(format_socket_address(reinterpret_cast<sockaddr*>(&un), sizeof un), "unix:/tmp/m.sock");

  EXPECT_EQ(format_socket_address(nullptr, 0), "?:<AF 0>");
}

std::string report(const std::vector<ListenerRecord>& listeners, const std::vector<const ConnectionRegistry*>& regs,
                   storage::RelTime now) {
  std::string out;
  report_connections(listeners, regs, now, [&](std::string_view name, std::string_view value) {
    out += "STAT ";
    out += name;
    out += ' ';
    out += value;
    out += "\r\n";
  });
  return out;
}

TEST(ConnectionReport, ListsListenersAndClientsByDescriptor) {
  std::vector<ListenerRecord> listeners{{9, "unix:/tmp/m.sock", true, 5, false}, {4, "tcp:127.0.0.1:11211", false, 5, false}};
  ConnectionRegistry first, second;
  ConnectionRecord a(30, listeners[0], 8);
  ConnectionRecord b(12, listeners[0], 10);
  b.set_state(ConnectionState::kReadingValue);
  first.add(a);
  second.add(b);
  EXPECT_EQ(report(listeners, {&first, &second}, 10),
            "STAT 4:addr tcp:127.0.0.1:11211\r\n"
            "STAT 4:state conn_listening\r\n"
            "STAT 4:secs_since_last_cmd 5\r\n"
            "STAT 9:addr unix:/tmp/m.sock\r\n"
            "STAT 9:state conn_listening\r\n"
            "STAT 9:secs_since_last_cmd 5\r\n"
            "STAT 12:addr ?:<AF 0>\r\n"
            "STAT 12:listen_addr unix:/tmp/m.sock\r\n"
            "STAT 12:state conn_nread\r\n"
            "STAT 12:secs_since_last_cmd 0\r\n"
            "STAT 30:addr ?:<AF 0>\r\n"
            "STAT 30:listen_addr unix:/tmp/m.sock\r\n"
            "STAT 30:state conn_new_cmd\r\n"
            "STAT 30:secs_since_last_cmd 2\r\n");
  first.remove(a);
  second.remove(b);
  EXPECT_EQ(first.size(), 0u);
}

TEST(ConnectionRegistry, RemovesFromAnyPosition) {
  ListenerRecord l{3, "tcp:127.0.0.1:1", false, 0, false};
  ConnectionRegistry r;
  ConnectionRecord a(10, l, 0), b(11, l, 0), c(12, l, 0);
  r.add(a);
  r.add(b);
  r.add(c);
  r.remove(b);
  std::vector<int> fds;
  r.for_each([&](const ConnectionRecord& x) { fds.push_back(x.fd()); });
  EXPECT_EQ(fds, (std::vector<int>{12, 10}));
  r.remove(c);
  r.remove(a);
  EXPECT_EQ(r.size(), 0u);
}

TEST(ConnectionState, NamesAreMemcacheds) {
  EXPECT_EQ(state_name(ConnectionState::kNewCommand), "conn_new_cmd");
  EXPECT_EQ(state_name(ConnectionState::kWaiting), "conn_read");
  EXPECT_EQ(state_name(ConnectionState::kParsing), "conn_parse_cmd");
  EXPECT_EQ(state_name(ConnectionState::kReadingValue), "conn_nread");
  EXPECT_EQ(state_name(ConnectionState::kWriting), "conn_mwrite");
  EXPECT_EQ(state_name(ConnectionState::kClosing), "conn_closing");
}

}  // namespace
}  // namespace memstripe::server
