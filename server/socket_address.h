// Socket addresses as memcached's `stats conns` prints them: "tcp:127.0.0.1:11211",
// "tcp6:[::1]:11211", "unix:/path/to.sock".
#pragma once

#include <sys/socket.h>

#include <string>

namespace memstripe::server {

std::string format_socket_address(const sockaddr* address, socklen_t length);

// The local (getsockname) or peer (getpeername) address of `fd`, formatted.
std::string local_address(int fd);
std::string peer_address(int fd);

}  // namespace memstripe::server
