// memstripe-floor: the do-nothing responder that sets the floor for `make compare`'s
// server CPU per request. One thread, one level-triggered epoll set, one read and one
// send per readable socket, no storage (floor_protocol.h). Whatever memstripe or memcached
// spend above it is theirs; what it spends is the kernel's (TCP or the UNIX socket, and
// epoll).
//
//   memstripe-floor --tcp PORT | --unix PATH
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

#include "floor_protocol.h"

using memstripe::floor::answer;
using memstripe::floor::Client;
using memstripe::floor::listen_on;

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
