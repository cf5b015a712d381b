// What the protocol needs from the process around it; the server implements it. Every
// fact `stats` prints about the process comes through here, so protocol/ asks the
// operating system nothing itself.
#pragma once

#include <sys/time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/command_stats.h"
#include "protocol/sasl.h"
#include "protocol/stat_sink.h"

namespace memstripe::protocol {

class ServerContext {
 public:
  struct ConnectionStats {
    std::uint64_t max_connections = 0;
    std::uint64_t curr_connections = 0;
    std::uint64_t total_connections = 0;
    std::uint64_t rejected_connections = 0;
    std::uint64_t connection_structures = 0;
    std::uint64_t threads = 0;
  };
  struct ProcessStats {
    std::uint64_t pid = 0;
    timeval user_time{};    // rusage_user
    timeval system_time{};  // rusage_system
    // memcached's `libevent` line: the event library the workers run on.
    std::string_view event_library;
  };
  // -Z: memcached's ssl_* lines of `stats`, shown only when TLS is on.
  struct TlsStats {
    bool enabled = false;
    bool session_cache = false;  // ssl_new_sessions is shown only with ssl_session_cache
    std::uint64_t new_sessions = 0;
    std::uint64_t handshake_errors = 0;
    std::uint64_t seconds_since_cert_refresh = 0;
  };

  virtual ~ServerContext() = default;
  virtual ConnectionStats connection_stats() const = 0;
  virtual ProcessStats process_stats() const = 0;
  // Every worker thread's command counters added up, for `stats`.
  virtual CommandStats command_stats() const = 0;
  // `stats reset`: every worker's CommandStats, and the connection totals memcached resets
  // (total_connections, rejected_connections). The cache's counters are reset by the
  // command layer.
  virtual void reset_command_stats() = 0;
  // `stats settings`: every setting, in memcached's order (the server knows the
  // configuration).
  virtual void report_settings(StatSink& sink) const = 0;
  // `stats conns`: "<id>:<name>" for each open connection (and listener), as memcached
  // names them.
  virtual void report_connections(StatSink& sink) const = 0;
  // `verbosity` (already clamped to memcached's maximum, 2).
  virtual void set_verbosity(int level) = 0;
  // `shutdown` (only when -A allows it). The connection that asked is closed at once.
  virtual void request_shutdown() = 0;
  // `shutdown graceful` (memcached's SIGUSR1); by default the same as a plain shutdown.
  virtual void request_graceful_shutdown() { request_shutdown(); }
  // A connection's SASL exchange (with -S); null when SASL cannot start.
  virtual std::unique_ptr<SaslSession> new_sasl_session() { return nullptr; }
  virtual TlsStats tls_stats() const { return {}; }
  // `refresh_certs`: reloads the TLS certificate and key for new connections. "" when that
  // worked, else memcached's message saying why (without the line's end); this default is
  // memcached's answer when TLS is off.
  virtual std::string refresh_certificates() { return "Error TLS not enabled"; }
  // -Y: whether the password file holds this user with this password (compared in
  // constant time).
  virtual bool check_credentials(std::string_view /*user*/, std::string_view /*password*/) { return false; }
};

}  // namespace memstripe::protocol
