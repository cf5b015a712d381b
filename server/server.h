// The running daemon: the cache, the worker threads, the listeners, and the main thread's
// loop (accepting, signals, and the upkeep that ticks the cache's clock and sweeps expired
// items: every millisecond while clients send, backing off to once a second when they
// stop; see maintenance_cadence.h). No Asio in this header: main.cc and the tests include
// it cheaply.
#pragma once

#include <memory>
#include <vector>

#include "server/auth_file.h"
#include "server/listen_socket.h"
#include "server/options.h"
#include "server/tls_context.h"

namespace memstripe::server {

class Server {
 public:
  // Takes the listening sockets (already bound and listening), with -Y the loaded
  // authentication file and with -Z the loaded TLS context (each null without).
  Server(const ServerOptions& options, std::vector<ListenSocket> sockets, std::unique_ptr<AuthFile> auth_file,
         std::unique_ptr<TlsContext> tls = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Serves until SIGINT, SIGTERM or an enabled `shutdown`; then stops accepting, sends
  // the replies already made, closes every connection and returns the exit status.
  int run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memstripe::server
