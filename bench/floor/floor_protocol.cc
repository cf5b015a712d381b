#include "floor_protocol.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace memstripe::floor {
namespace {

constexpr std::string_view kValue = "01234567890123456789012345678901";

}  // namespace

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

}  // namespace memstripe::floor
