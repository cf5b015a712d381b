// Listening sockets, made with plain POSIX calls before any thread starts (so that a
// daemon can bind, then detach, then drop root): TCP on every -l address, and the UNIX
// socket with its mode set by the umask at bind, never more open than -a allows.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "server/options.h"

namespace memstripe::server {

struct ListenSocket {
  int fd = -1;
  int family = 0;     // AF_INET, AF_INET6, AF_UNIX
  int port = 0;       // the port bound (TCP)
  std::string name;   // as `stats conns` shows it: "tcp:127.0.0.1:11211"
  bool notls = false; // -l notls:...: plaintext even with -Z
  std::string path;   // UNIX: the socket file
  dev_t device = 0;   // UNIX: the file made, to remove only our own on exit
  ino_t inode = 0;
};

struct ListenResult {
  std::vector<ListenSocket> sockets;
  std::string error;
};

// Every -l address (a name may resolve to several), on its own port or on `port`
// (-1: any free port, chosen for each address as memcached does).
ListenResult open_tcp_listeners(const std::vector<ListenAddress>& addresses, int port, int backlog);

// A socket file already at `path` is replaced when nothing answers on it (a stale one left
// by a crash); a live server's socket, or a file that is not a socket, is an error.
ListenResult open_unix_listener(const std::string& path, unsigned mode, int backlog);

// memcached's MEMCACHED_PORT_FILENAME protocol: "TCP INET: <port>" (INET6 for IPv6) for
// each TCP listener, written to "<path>.lck" and renamed to `path` once all are listening.
std::string write_port_file(const std::string& path, const std::vector<ListenSocket>& sockets);

// Removes the UNIX socket file on exit, if it is still the one this process made.
void remove_unix_socket_file(const ListenSocket& socket);

void close_listen_socket(ListenSocket& socket);

}  // namespace memstripe::server
