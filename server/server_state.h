// The server's side of `stats` and the other administrative commands: the shared state
// that the protocol reads through protocol::ServerContext. Connection counts are atomics
// (the listener thread admits, worker threads release); each worker keeps its own command
// counters and connection list, summed and merged here when asked.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "protocol/command_stats.h"
#include "protocol/server_context.h"
#include "server/connection_registry.h"
#include "server/auth_file.h"
#include "server/options.h"
#include "server/sasl_server.h"
#include "server/tls_context.h"
#include "storage/clock.h"

namespace memstripe::server {

// What one worker thread shares with the threads that read stats. Aligned so that one
// worker's counters never share a cache line with another's.
struct alignas(64) WorkerShared {
  protocol::CommandStats commands;
  ConnectionRegistry connections;
};

class ServerState final : public protocol::ServerContext {
 public:
  ServerState(const ServerOptions& options, storage::Clock& clock);

  const ServerOptions& options() const noexcept { return options_; }

  // The listener thread, for each accepted client: false when -c is reached (the client
  // is then turned away and counted as rejected).
  bool try_admit() noexcept;
  // A worker thread, when an admitted client's connection closes.
  void release() noexcept;

  WorkerShared& add_worker();
  void add_listener(ListenerRecord listener);
  // Called by `verbosity` and at startup; applies the level to the log.
  void set_verbosity_hook(std::function<void(int)> hook) { verbosity_hook_ = std::move(hook); }
  void set_shutdown_hook(std::function<void()> hook) { shutdown_hook_ = std::move(hook); }
  // With -S: where connections' SASL exchanges come from.
  void set_sasl(const SaslServer* sasl) noexcept { sasl_ = sasl; }
  // With -Y: the password file.
  void set_auth_file(const AuthFile* file) noexcept { auth_file_ = file; }
  // With -Z: the TLS context the workers start sessions from.
  void set_tls(TlsContext* tls) noexcept { tls_ = tls; }
  TlsContext* tls() const noexcept { return tls_; }

  int verbosity() const noexcept { return verbosity_.load(std::memory_order_relaxed); }
  const std::vector<ListenerRecord>& listeners() const noexcept { return listeners_; }

  // protocol::ServerContext
  ConnectionStats connection_stats() const override;
  protocol::CommandStats command_stats() const override;
  void reset_command_stats() override;
  ProcessStats process_stats() const override;
  void report_settings(protocol::StatSink& sink) const override;
  void report_connections(protocol::StatSink& sink) const override;
  void set_verbosity(int level) override;
  void request_shutdown() override;
  std::unique_ptr<protocol::SaslSession> new_sasl_session() override;
  bool check_credentials(std::string_view user, std::string_view password) override;
  TlsStats tls_stats() const override;
  std::string refresh_certificates() override;

 private:
  const ServerOptions& options_;
  storage::Clock& clock_;
  std::atomic<int> verbosity_;
  std::atomic<std::uint64_t> curr_connections_{0};
  std::atomic<std::uint64_t> total_connections_{0};
  std::atomic<std::uint64_t> rejected_connections_{0};
  std::atomic<std::uint64_t> peak_connections_{0};
  // Filled before the workers start, read-only afterwards.
  std::vector<std::unique_ptr<WorkerShared>> workers_;
  std::vector<ListenerRecord> listeners_;
  std::function<void(int)> verbosity_hook_;
  std::function<void()> shutdown_hook_;
  const SaslServer* sasl_ = nullptr;
  const AuthFile* auth_file_ = nullptr;
  TlsContext* tls_ = nullptr;
};

}  // namespace memstripe::server
