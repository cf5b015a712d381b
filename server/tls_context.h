// The server's TLS configuration as OpenSSL holds it: an SSL_CTX built from -o ssl_*,
// shared by every worker. A reload (refresh_certs, SIGHUP) builds a whole new SSL_CTX from
// the files as they are now and swaps it in for the connections that come next; each open
// connection's SSL keeps a reference to the context it started with, so it carries on
// unchanged. A reload that fails keeps the current context and says why (memcached loads
// into its one live context, so a bad key leaves every later handshake failing).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "server/tls_options.h"
#include "server/tls_session.h"

struct ssl_ctx_st;
struct ssl_session_st;

namespace memstripe::server {

class TlsContext {
 public:
  struct Counters {
    std::uint64_t new_sessions = 0;      // with ssl_session_cache: sessions OpenSSL made
    std::uint64_t handshake_errors = 0;  // handshakes that failed, ended early or timed out
    std::uint64_t seconds_since_refresh = 0;
  };

  explicit TlsContext(const TlsOptions& options);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  // Builds the first context, or a new one in place of the current. "" on success, else
  // memcached's message ("Error loading the key: <path> : <OpenSSL's reason>").
  std::string load();

  // Any worker, per accepted connection on a TLS listener: its session (the handshake not
  // yet begun), of the current context; null when OpenSSL cannot make one.
  std::unique_ptr<TlsSession> new_session(int fd);

  void count_handshake_error() noexcept { handshake_errors_.fetch_add(1, std::memory_order_relaxed); }
  Counters counters() const noexcept;
  // `stats reset`: memcached zeroes its TLS counters with the others.
  void reset_counters() noexcept;
  const TlsOptions& options() const noexcept { return options_; }

 private:
  static int on_new_session(struct ssl_st* ssl, ssl_session_st* session);
  // A complete context, or the reason there is none.
  std::string build(ssl_ctx_st*& built);

  const TlsOptions& options_;
  std::mutex load_mutex_;  // one load at a time (refresh_certs on workers, SIGHUP on main)
  mutable std::mutex current_mutex_;  // guards current_: held only to swap or reference it
  ssl_ctx_st* current_ = nullptr;
  std::atomic<std::uint64_t> new_sessions_{0};
  std::atomic<std::uint64_t> handshake_errors_{0};
  std::atomic<std::chrono::steady_clock::rep> loaded_at_{0};
};

}  // namespace memstripe::server
