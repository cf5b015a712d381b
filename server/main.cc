// memstripe: startup in the order a daemon needs it. Parse everything first (a bad flag
// exits 64 before anything happens); bind the sockets while still in the foreground and
// still root (so that errors reach the shell); then detach, write the pid file, drop root,
// and only then start threads and allocate the cache.
#include <sysexits.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iterator>
#include <spdlog/spdlog.h>
#include <string>
#include <vector>

#include "server/auth_file.h"
#include "server/daemon.h"
#include "server/listen_socket.h"
#include "server/logging.h"
#include "server/options.h"
#include "server/server.h"
#include "server/tls_context.h"

namespace ms = memstripe::server;

namespace {

std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void close_all(std::vector<ms::ListenSocket>& sockets) {
  for (ms::ListenSocket& s : sockets) ms::close_listen_socket(s);
}

int serve(ms::ServerOptions& options) {
  if (std::string err = ms::setup_logging(options); !err.empty()) {
    std::fprintf(stderr, "%s\n", err.c_str());
    return EX_CANTCREAT;
  }
  for (const std::string& w : options.warnings) spdlog::warn("{}", w);
  std::signal(SIGPIPE, SIG_IGN);
  ms::hold_signals();
  if (options.enable_coredumps) ms::raise_core_limit();
  // Every client; the listeners, the main thread's loop and signals, and the log (within
  // the 32); and each worker's epoll, eventfd and three timers.
  if (std::string warning = ms::raise_descriptor_limit(options.max_connections + 32 + 5 * options.threads);
      !warning.empty()) {
    spdlog::warn("{}", warning);
  }

  const bool root = ms::running_as_root();
  if (root && options.user.empty()) {
    // memcached refuses ("can't run as root without the -u switch"); memstripe runs, and
    // says so: containers and CI run as root and have nobody to switch to.
    spdlog::warn("running as root without -u; memcached would refuse to");
  }

  ms::UserIdentity user;
  if (root && !options.user.empty()) {
    if (std::string err = ms::find_user(options.user, user); !err.empty()) {
      spdlog::error("{}", err);
      return EX_NOUSER;
    }
  }

  // -Y: read before anything is bound, so that a file memcached would refuse stops the
  // start with its complaint before a client can connect.
  std::unique_ptr<ms::AuthFile> auth_file;
  if (!options.auth_file.empty()) {
    auth_file = std::make_unique<ms::AuthFile>(options.auth_file);
    if (std::string err = auth_file->load(); !err.empty()) {
      spdlog::error("{}", err);
      return EX_NOINPUT;
    }
  }

  // -Z: the certificate and key are loaded before anything is bound, as -Y's file is;
  // memcached exits with EX_USAGE when they do not load.
  std::unique_ptr<ms::TlsContext> tls;
  if (options.tls.enabled) {
    tls = std::make_unique<ms::TlsContext>(options.tls);
    if (std::string err = tls->load(); !err.empty()) {
      spdlog::error("{}", err);
      return EX_USAGE;
    }
  }

  std::vector<ms::ListenSocket> sockets;
  if (options.serves_tcp()) {
    ms::ListenResult tcp = ms::open_tcp_listeners(options.listen, options.port, options.backlog);
    if (!tcp.error.empty()) {
      spdlog::error("{}", tcp.error);
      return EX_OSERR;
    }
    sockets = std::move(tcp.sockets);
  }
  if (options.serves_unix()) {
    ms::ListenResult unix_socket = ms::open_unix_listener(options.unix_socket, options.unix_mask, options.backlog);
    if (!unix_socket.error.empty()) {
      spdlog::error("{}", unix_socket.error);
      close_all(sockets);
      return EX_OSERR;
    }
    sockets.push_back(std::move(unix_socket.sockets.front()));
  }
  if (sockets.empty()) {
    spdlog::error("nothing to listen on: -p 0 and no -s");
    return EX_USAGE;
  }
  // What main needs after the server has taken the descriptors.
  std::vector<ms::ListenSocket> unix_files;
  for (const ms::ListenSocket& s : sockets) {
    if (!s.path.empty()) unix_files.push_back(s);
  }

  auto fail = [&](const std::string& message, int status) {
    spdlog::error("{}", message);
    close_all(sockets);
    for (const ms::ListenSocket& s : unix_files) ms::remove_unix_socket_file(s);
    return status;
  };

  if (options.daemonize) {
    // memcached keeps stderr open when verbose; so does memstripe (if it logs there).
    bool keep_stderr = options.verbosity > 0 && options.log_file.empty() && !options.syslog;
    if (std::string err = ms::daemonize(keep_stderr); !err.empty()) return fail(err, EX_OSERR);
  }
  if (!options.pid_file.empty()) {
    if (std::string err = ms::write_pid_file(options.pid_file); !err.empty()) return fail(err, EX_CANTCREAT);
  }
  if (options.lock_memory) {
    if (std::string err = ms::lock_all_memory(); !err.empty()) spdlog::warn("{}", err);
  }
  // Written while still root: the file's directory need not be the -u user's.
  if (const char* port_file = std::getenv("MEMCACHED_PORT_FILENAME")) {
    if (std::string err = ms::write_port_file(port_file, sockets); !err.empty()) return fail(err, EX_CANTCREAT);
  }
  if (root && !options.user.empty()) {
    std::vector<std::string> hand_over{options.pid_file, ms::log_file_path()};
    if (options.serves_unix()) hand_over.push_back(options.unix_socket);
    if (std::string err = ms::drop_privileges(user, hand_over); !err.empty()) return fail(err, EX_OSERR);
  }

  int status;
  {
    ms::Server server(options, std::move(sockets), std::move(auth_file), std::move(tls));
    ms::daemon_ready();
    status = server.run();
  }
  for (const ms::ListenSocket& s : unix_files) ms::remove_unix_socket_file(s);
  if (!options.pid_file.empty()) std::remove(options.pid_file.c_str());
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ms::ParseResult parsed = ms::load_options(args, read_whole_file);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.error.c_str());
    return ms::kExitUsage;
  }
  ms::ServerOptions& options = parsed.options;
  if (options.help) {
    std::fputs(ms::usage_text().c_str(), stdout);
    return 0;
  }
  if (options.version) {
    std::fputs(ms::version_text().c_str(), stdout);
    return 0;
  }
  // A daemon changes to /: every path it keeps must not depend on where it started.
  options.unix_socket = ms::absolute_path(options.unix_socket);
  options.pid_file = ms::absolute_path(options.pid_file);
  options.log_file = ms::absolute_path(options.log_file);
  options.memory_file = ms::absolute_path(options.memory_file);

  // Startup errors outside the data path (the cache's memory, a thread) may throw; they
  // end the process with a message rather than an abort.
  try {
    return serve(options);
  } catch (const std::exception& e) {
    spdlog::error("memstripe: {}", e.what());
    return EX_SOFTWARE;
  }
}
