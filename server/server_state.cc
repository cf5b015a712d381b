#include "server/server_state.h"

#include <sys/resource.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <string>

#include "server/settings_report.h"

namespace memstripe::server {
namespace {

// What `stats` calls memcached's "libevent" line: the workers wait on their sockets with
// epoll directly (socket_poller.h); Asio serves only the listeners and timers.
constexpr std::string_view kEventLibrary = "epoll";

}  // namespace

ServerState::ServerState(const ServerOptions& options, storage::Clock& clock)
    : options_(options), clock_(clock), verbosity_(options.verbosity) {}

bool ServerState::try_admit() noexcept {
  std::uint64_t current = curr_connections_.load(std::memory_order_relaxed);
  do {
    if (current >= options_.max_connections) {
      rejected_connections_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  } while (!curr_connections_.compare_exchange_weak(current, current + 1, std::memory_order_relaxed));
  total_connections_.fetch_add(1, std::memory_order_relaxed);
  std::uint64_t peak = peak_connections_.load(std::memory_order_relaxed);
  while (current + 1 > peak && !peak_connections_.compare_exchange_weak(peak, current + 1, std::memory_order_relaxed)) {
  }
  return true;
}

void ServerState::release() noexcept { curr_connections_.fetch_sub(1, std::memory_order_relaxed); }

WorkerShared& ServerState::add_worker() {
  workers_.push_back(std::make_unique<WorkerShared>());
  return *workers_.back();
}

void ServerState::add_listener(ListenerRecord listener) { listeners_.push_back(std::move(listener)); }

protocol::ServerContext::ConnectionStats ServerState::connection_stats() const {
  ConnectionStats s;
  // memcached counts its listening sockets among the connections it has made and the
  // structures it holds, but not among the current ones; so does memstripe.
  const std::uint64_t listeners = listeners_.size();
  s.max_connections = options_.max_connections;
  s.curr_connections = curr_connections_.load(std::memory_order_relaxed);
  s.total_connections = total_connections_.load(std::memory_order_relaxed) + listeners;
  s.rejected_connections = rejected_connections_.load(std::memory_order_relaxed);
  s.connection_structures = peak_connections_.load(std::memory_order_relaxed) + listeners;
  s.threads = options_.threads;
  return s;
}

protocol::CommandStats ServerState::command_stats() const {
  protocol::CommandStats sum;
  for (const auto& w : workers_) sum += w->commands;
  return sum;
}

void ServerState::reset_command_stats() {
  // A worker's increment racing with this may survive it; memcached's reset is as loose.
  for (const auto& w : workers_) w->commands.reset();
  total_connections_.store(0, std::memory_order_relaxed);
  rejected_connections_.store(0, std::memory_order_relaxed);
  if (tls_ != nullptr) tls_->reset_counters();
}

protocol::ServerContext::ProcessStats ServerState::process_stats() const {
  ProcessStats s;
  s.pid = static_cast<std::uint64_t>(::getpid());
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  s.user_time = usage.ru_utime;
  s.system_time = usage.ru_stime;
  s.event_library = kEventLibrary;
  return s;
}

void ServerState::report_settings(protocol::StatSink& sink) const {
  server::report_settings(options_, verbosity(),
                          [&](std::string_view name, std::string_view value) { sink.stat(name, value); });
}

void ServerState::report_connections(protocol::StatSink& sink) const {
  std::vector<const ConnectionRegistry*> registries;
  registries.reserve(workers_.size());
  for (const auto& w : workers_) registries.push_back(&w->connections);
  server::report_connections(listeners_, registries, clock_.now(),
                             [&](std::string_view name, std::string_view value) { sink.stat(name, value); });
}

void ServerState::set_verbosity(int level) {
  verbosity_.store(level, std::memory_order_relaxed);
  if (verbosity_hook_) verbosity_hook_(level);
}

std::unique_ptr<protocol::SaslSession> ServerState::new_sasl_session() {
  return sasl_ != nullptr ? sasl_->new_session() : nullptr;
}

bool ServerState::check_credentials(std::string_view user, std::string_view password) {
  return auth_file_ != nullptr && auth_file_->check(user, password);
}

protocol::ServerContext::TlsStats ServerState::tls_stats() const {
  TlsStats s;
  if (tls_ == nullptr) return s;
  const TlsContext::Counters c = tls_->counters();
  s.enabled = true;
  s.session_cache = tls_->options().session_cache;
  s.new_sessions = c.new_sessions;
  s.handshake_errors = c.handshake_errors;
  s.seconds_since_cert_refresh = c.seconds_since_refresh;
  return s;
}

std::string ServerState::refresh_certificates() {
  if (tls_ == nullptr) return ServerContext::refresh_certificates();
  std::string error = tls_->load();
  if (error.empty()) {
    spdlog::info("refresh_certs: TLS certificate and key reloaded for new connections");
  } else {
    spdlog::error("refresh_certs: {}; the previous certificate stays in use", error);
  }
  return error;
}

void ServerState::request_shutdown() {
  if (shutdown_hook_) shutdown_hook_();
}

}  // namespace memstripe::server
