#include "server/socket_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cstddef>
#include <cstring>

namespace memstripe::server {

std::string format_socket_address(const sockaddr* address, socklen_t length) {
  char host[INET6_ADDRSTRLEN] = {};
  switch (length >= sizeof(sa_family_t) ? address->sa_family : AF_UNSPEC) {
    case AF_INET: {
      const auto* in = reinterpret_cast<const sockaddr_in*>(address);
      inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
      return std::string("tcp:") + host + ":" + std::to_string(ntohs(in->sin_port));
    }
    case AF_INET6: {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(address);
      inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
      return std::string("tcp6:[") + host + "]:" + std::to_string(ntohs(in6->sin6_port));
    }
    case AF_UNIX: {
      const auto* un = reinterpret_cast<const sockaddr_un*>(address);
      std::size_t max = length > offsetof(sockaddr_un, sun_path) ? length - offsetof(sockaddr_un, sun_path) : 0;
      return std::string("unix:") + std::string(un->sun_path, strnlen(un->sun_path, max));
    }
    default:
      // What memcached prints for a peer it did not look up (its UNIX socket clients).
      return "?:<AF " + std::to_string(length >= sizeof(sa_family_t) ? address->sa_family : 0) + ">";
  }
}

namespace {

template <typename Query>
std::string query_address(int fd, Query query) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (query(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) length = 0;
  return format_socket_address(reinterpret_cast<sockaddr*>(&storage), length);
}

}  // namespace

std::string local_address(int fd) { return query_address(fd, ::getsockname); }
std::string peer_address(int fd) { return query_address(fd, ::getpeername); }

}  // namespace memstripe::server
