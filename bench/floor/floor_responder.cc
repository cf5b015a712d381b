// memstripe-floor: the do-nothing responder that sets the floor for `make compare`'s
// server CPU per request. One thread, one level-triggered epoll set, one read and one
// send per readable socket, no storage: every get hits with the same 32-byte value, every
// set is STORED. Whatever memstripe or memcached spend above it is theirs; what it spends is
// the kernel's (TCP or the UNIX socket, and epoll).
//
//   memstripe-floor --tcp PORT | --unix PATH
//
// It understands exactly what memstripe-bench sends: get with one or more keys, and set.
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace {

constexpr std::string_view kValue = "01234567890123456789012345678901";

struct Client {
  std::string in;
  std::size_t skip = 0;  // bytes of a set's data block still to discard
};

// Answers every complete request in `c.in`, appending to `out`; keeps the incomplete rest.
void answer(Client& c, std::string& out) {
  std::size_t pos = 0;
  for (;;) {
    if (c.skip > 0) {
      std::size_t n = std::min(c.skip, c.in.size() - pos);
      pos += n;
      c.skip -= n;
      if (c.skip > 0) break;
      out += "STORED\r\n";
    }
    std::size_t eol = c.in.find("\r\n", pos);
    if (eol == std::string::npos) break;
    std::string_view line(c.in.data() + pos, eol - pos);
    pos = eol + 2;
    if (line.starts_with("get ")) {
      std::string_view keys = line.substr(4);
      while (!keys.empty()) {
        std::size_t space = keys.find(' ');
        std::string_view key = keys.substr(0, space);
        if (!key.empty()) {
          out += "VALUE ";
          out += key;
          out += " 0 32\r\n";
          out += kValue;
          out += "\r\n";
        }
        if (space == std::string_view::npos) break;
        keys.remove_prefix(space + 1);
      }
      out += "END\r\n";
    } else if (line.starts_with("set ")) {
      std::size_t last = line.rfind(' ');
      c.skip = std::strtoul(std::string(line.substr(last + 1)).c_str(), nullptr, 10) + 2;
    } else {
      out += "ERROR\r\n";
    }
  }
  c.in.erase(0, pos);
}

int listen_on(const char* kind, const char* where) {
  int fd;
  if (std::strcmp(kind, "--tcp") == 0) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(std::atoi(where)));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  } else {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", where);
    ::unlink(where);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return -1;
  }
  return ::listen(fd, 1024) == 0 ? fd : -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: memstripe-floor --tcp PORT | --unix PATH\n");
    return 64;
  }
  const bool tcp = std::strcmp(argv[1], "--tcp") == 0;
  int listener = listen_on(argv[1], argv[2]);
  if (listener < 0) {
    std::perror("memstripe-floor: listen");
    return 1;
  }
  int ep = ::epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listener;
  ::epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
  std::unordered_map<int, Client> clients;
  std::unique_ptr<char[]> buffer(new char[16384]);
  std::string out;
  epoll_event ready[256];
  for (;;) {
    int n = ::epoll_wait(ep, ready, 256, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener) {
        for (int c; (c = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          if (tcp) {
            int one = 1;
            ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          }
          epoll_event e{};
          e.events = EPOLLIN;
          e.data.fd = c;
          ::epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
          clients[c];
        }
        continue;
      }
      ssize_t got = ::read(fd, buffer.get(), 16384);
      if (got <= 0) {
        ::close(fd);
        clients.erase(fd);
        continue;
      }
      Client& c = clients[fd];
      c.in.append(buffer.get(), static_cast<std::size_t>(got));
      out.clear();
      answer(c, out);
      // Replies are small and the client reads them: one send, as the servers do.
      if (!out.empty() && ::send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        ::close(fd);
        clients.erase(fd);
      }
    }
  }
}
