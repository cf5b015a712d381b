#include "server/server.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <system_error>
#include <spdlog/spdlog.h>

#include "protocol/protocol_config.h"
#include "server/daemon.h"
#include "server/listener.h"
#include "server/logging.h"
#include "server/maintenance_cadence.h"
#include "server/auth_file.h"
#include "server/sasl_server.h"
#include "server/server_state.h"
#include "server/worker_pool.h"
#include "storage/cache.h"

namespace memstripe::server {
namespace {

// How long a stopping server waits for clients to read the replies already made.
constexpr std::chrono::milliseconds kDrainGrace{5000};

storage::CacheConfig cache_config(const ServerOptions& o) {
  storage::CacheConfig c;
  c.memory_limit = o.memory_limit_bytes();
  c.item_size_max = o.item_size_max;
  c.shard_count = o.shard_count();
  c.evict_when_full = o.evict_when_full;
  c.eviction = o.eviction;
  c.use_cas = o.use_cas;
  c.memory_file = o.memory_file;
  return c;
}

// One line on what -e's file gave back: operators read it after every restart.
void log_restart(const storage::Cache& cache) {
  const std::string& path = cache.config().memory_file;
  if (path.empty()) return;
  const storage::RestartReport& r = cache.restart_report();
  if (!r.in_memory) {
    spdlog::warn("memory file {} is not on tmpfs: every store writes to its filesystem (use tmpfs, or a DAX mount)",
                 path);
  }
  if (!r.warm) {
    spdlog::info("memory file {}: starting with an empty cache: {}", path, r.cold_reason);
    return;
  }
  spdlog::info(
      "memory file {}: warm restart after a {}: {} items recovered, {} expired or flushed meanwhile, {} dropped as "
      "not whole, {} older copies dropped, {} unfinished stores dropped, in {:.3f} s{}{}",
      path, r.stopped_gracefully ? "graceful stop" : "crash", r.recovered, r.expired, r.broken, r.superseded,
      r.unfinished, r.seconds,
      r.cold_reason.empty() ? "" : "; ", r.cold_reason);
}

protocol::ProtocolConfig protocol_config(const ServerOptions& o) {
  protocol::ProtocolConfig p;
  p.binding = o.binding;
  p.sasl = o.sasl;
  p.ascii_auth = !o.auth_file.empty();
  p.shutdown_enabled = o.shutdown_enabled;
  p.flush_enabled = o.flush_enabled;
  p.dump_enabled = o.dump_enabled;
  p.debug_clock = o.debug_clock;
  return p;
}

}  // namespace

class Server::Impl {
 public:
  Impl(const ServerOptions& options, std::vector<ListenSocket> sockets, std::unique_ptr<AuthFile> auth_file,
       std::unique_ptr<TlsContext> tls)
      : options_(options),
        cache_(cache_config(options), clock_),
        protocol_(protocol_config(options)),
        state_(options_, clock_),
        sasl_(options.sasl ? std::make_unique<SaslServer>(options.verbosity) : nullptr),
        auth_file_(std::move(auth_file)),
        tls_(std::move(tls)),
        signals_(io_, checked_signals_fd()),
        upkeep_(io_),
        cadence_(options.fast_maintenance),
        sockets_(std::move(sockets)) {
    state_.set_verbosity_hook(apply_log_verbosity);
    state_.set_sasl(sasl_.get());
    state_.set_auth_file(auth_file_.get());
    state_.set_tls(tls_.get());
    state_.set_shutdown_hook([this] { boost::asio::post(io_, [this] { stop("shutdown command"); }); });
    for (const ListenSocket& s : sockets_) {
      // -Z: every TCP listener but the notls: ones; the UNIX socket stays plaintext.
      const bool tls = tls_ != nullptr && s.family != AF_UNIX && !s.notls;
      state_.add_listener({s.fd, s.name, s.family == AF_UNIX, clock_.now(), tls});
    }
    // The workers register with state_ before any thread starts.
    workers_ = std::make_unique<WorkerPool>(options_.threads, state_, cache_, protocol_);
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
      listeners_.push_back(std::make_unique<Listener>(io_, sockets_[i], state_.listeners()[i], *workers_, state_));
    }
  }

  int run() {
    wait_for_signals();
    schedule_upkeep();
    workers_->start();  // they inherit the held signals, which only signals_ reads
    log_restart(cache_);
    for (auto& l : listeners_) l->start();
    for (const ListenerRecord& l : state_.listeners()) spdlog::info("listening on {}", l.address);
    io_.run();
    workers_->join();
    spdlog::info("stopped");
    return 0;
  }

 private:
  void stop(const char* why) {
    if (stopping_) return;
    stopping_ = true;
    spdlog::info("{}: stopping; finishing the replies in flight", why);
    for (auto& l : listeners_) l->stop();
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    upkeep_.cancel();
    workers_->drain(kDrainGrace);
  }

  static int checked_signals_fd() {
    const int fd = open_held_signals_fd();
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "signalfd");
    return fd;
  }

  // Signals sent before now are pending, and read here first.
  void wait_for_signals() {
    signals_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
      // As in schedule_upkeep(): a stop may have come after the wait completed.
      if (ec || stopping_) return;
      signalfd_siginfo info;
      while (::read(signals_.native_handle(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        switch (info.ssi_signo) {
          case SIGHUP:
            reopen_log();
            if (auth_file_) {
              if (std::string error = auth_file_->load(); !error.empty()) spdlog::error("SIGHUP: {}", error);
            }
            if (tls_) {
              // As refresh_certs: new connections get the files as they are now.
              if (std::string error = tls_->load(); !error.empty()) {
                spdlog::error("SIGHUP: {}; the previous certificate stays in use", error);
              } else {
                spdlog::info("SIGHUP: TLS certificate and key reloaded for new connections");
              }
            }
            break;
          // memcached stops gracefully on SIGUSR1 too (it saves a restartable cache first).
          case SIGINT:
            return stop("SIGINT");
          case SIGTERM:
            return stop("SIGTERM");
          case SIGUSR1:
            return stop("SIGUSR1");
          default:
            break;
        }
      }
      wait_for_signals();
    });
  }

  // The clock, and a slice of the sweep that reclaims expired items (reads and stores
  // reclaim the ones they meet on their own).
  void schedule_upkeep() {
    upkeep_.expires_after(cadence_.interval());
    upkeep_.async_wait([this](const boost::system::error_code& ec) {
      // stop() cancels the wait, but a wait that has just expired is already queued and
      // runs with success: without this check it would schedule itself again and keep
      // io_.run() from returning (seen under TSan at the millisecond cadence).
      if (ec || stopping_) return;
      clock_.tick();
      cache_.sweep_expired(cadence_.sweep_chunks());
      cadence_.observe(state_.command_stats().bytes_read.get());
      schedule_upkeep();
    });
  }

  const ServerOptions& options_;
  storage::Clock clock_;
  storage::Cache cache_;
  protocol::ProtocolConfig protocol_;
  ServerState state_;
  std::unique_ptr<SaslServer> sasl_;  // with -S
  std::unique_ptr<AuthFile> auth_file_;  // with -Y
  std::unique_ptr<TlsContext> tls_;      // with -Z
  boost::asio::io_context io_{1};
  boost::asio::posix::stream_descriptor signals_;  // the signalfd of the held signals
  boost::asio::steady_timer upkeep_;
  MaintenanceCadence cadence_;
  std::vector<ListenSocket> sockets_;
  std::unique_ptr<WorkerPool> workers_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  bool stopping_ = false;
};

Server::Server(const ServerOptions& options, std::vector<ListenSocket> sockets, std::unique_ptr<AuthFile> auth_file,
               std::unique_ptr<TlsContext> tls)
    : impl_(std::make_unique<Impl>(options, std::move(sockets), std::move(auth_file), std::move(tls))) {}

Server::~Server() = default;

int Server::run() { return impl_->run(); }

}  // namespace memstripe::server
