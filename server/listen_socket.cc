#include "server/listen_socket.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "server/socket_address.h"

namespace memstripe::server {
namespace {

std::string errno_text(const std::string& what, int error = errno) { return what + ": " + std::strerror(error); }

int bound_port(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return 0;
  if (storage.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  if (storage.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string describe(const ListenAddress& address, int port) {
  std::string host = address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
  return host + ":" + (port < 0 ? std::string("(any)") : std::to_string(port));
}

}  // namespace

ListenResult open_tcp_listeners(const std::vector<ListenAddress>& addresses, int port, int backlog) {
  ListenResult result;
  auto fail = [&](std::string message) {
    for (ListenSocket& s : result.sockets) close_listen_socket(s);
    result.sockets.clear();
    result.error = std::move(message);
    return result;
  };
  for (const ListenAddress& address : addresses) {
    int want = address.port.value_or(port);
    std::string service = std::to_string(want < 0 ? 0 : want);
    addrinfo hints{};
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (int rc = ::getaddrinfo(address.host.c_str(), service.c_str(), &hints, &found); rc != 0) {
      return fail("memstripe: cannot resolve " + address.host + ": " + ::gai_strerror(rc));
    }
    std::string error;
    for (addrinfo* ai = found; ai && error.empty(); ai = ai->ai_next) {
      int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
      if (fd < 0) {
        error = errno_text("memstripe: socket for " + describe(address, want));
        break;
      }
      int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      // Accepted sockets inherit TCP_NODELAY: replies leave at once, as memcached's do.
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
      if (ai->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, backlog) != 0) {
        error = errno_text("memstripe: failed to listen on " + describe(address, want));
        ::close(fd);
        break;
      }
      ListenSocket s;
      s.fd = fd;
      s.family = ai->ai_family;
      s.port = bound_port(fd);
      s.name = local_address(fd);
      s.notls = address.notls;
      result.sockets.push_back(std::move(s));
    }
    ::freeaddrinfo(found);
    if (!error.empty()) return fail(error);
  }
  return result;
}

ListenResult open_unix_listener(const std::string& path, unsigned mode, int backlog) {
  ListenResult result;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) {
    result.error = "memstripe: the UNIX socket path must be 1 to " + std::to_string(sizeof address.sun_path - 1) +
                   " bytes long: " + path;
    return result;
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  const auto* addr = reinterpret_cast<const sockaddr*>(&address);
  const socklen_t addr_len = sizeof address;

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result.error = errno_text("memstripe: socket");
    return result;
  }

  struct stat existing;
  if (::lstat(path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      ::close(fd);
      result.error = "memstripe: " + path + " exists and is not a socket";
      return result;
    }
    // memcached removes any socket file in its way; memstripe leaves a live server's alone.
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live = probe >= 0 && ::connect(probe, addr, addr_len) == 0;
    if (probe >= 0) ::close(probe);
    if (live) {
      ::close(fd);
      result.error = "memstripe: another server is listening on " + path;
      return result;
    }
    ::unlink(path.c_str());
  }

  // The mode comes from the umask at bind: there is no moment when the file is more open
  // than -a says. Single-threaded here, so changing the process umask is safe.
  mode_t old_umask = ::umask(static_cast<mode_t>(~mode & 0777));
  int rc = ::bind(fd, addr, addr_len);
  int bind_errno = errno;
  ::umask(old_umask);
  if (rc != 0 || ::listen(fd, backlog) != 0) {
    result.error = errno_text("memstripe: failed to listen on UNIX socket " + path, rc != 0 ? bind_errno : errno);
    ::close(fd);
    return result;
  }
  ListenSocket s;
  s.fd = fd;
  s.family = AF_UNIX;
  s.name = "unix:" + path;
  s.path = path;
  struct stat made;
  if (::stat(path.c_str(), &made) == 0) {
    s.device = made.st_dev;
    s.inode = made.st_ino;
  }
  result.sockets.push_back(std::move(s));
  return result;
}

std::string write_port_file(const std::string& path, const std::vector<ListenSocket>& sockets) {
  std::string temp = path + ".lck";
  FILE* f = std::fopen(temp.c_str(), "a");
  if (!f) return errno_text("memstripe: cannot write the port file " + temp);
  for (const ListenSocket& s : sockets) {
    if (s.family == AF_INET) std::fprintf(f, "TCP INET: %d\n", s.port);
    if (s.family == AF_INET6) std::fprintf(f, "TCP INET6: %d\n", s.port);
  }
  if (std::fclose(f) != 0) return errno_text("memstripe: cannot write the port file " + temp);
  if (std::rename(temp.c_str(), path.c_str()) != 0) return errno_text("memstripe: cannot rename " + temp);
  return {};
}

void remove_unix_socket_file(const ListenSocket& socket) {
  if (socket.path.empty()) return;
  struct stat now;
  if (::lstat(socket.path.c_str(), &now) == 0 && now.st_dev == socket.device && now.st_ino == socket.inode) {
    ::unlink(socket.path.c_str());
  }
}

void close_listen_socket(ListenSocket& socket) {
  if (socket.fd >= 0) ::close(socket.fd);
  socket.fd = -1;
}

}  // namespace memstripe::server
