// One client's conversation in memcached's text protocol (classic and meta commands):
// bytes in, replies out. Pure code: no sockets, no Asio. The server owns one Session per
// connection and does the I/O around it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "protocol/command_stats.h"
#include "protocol/output_queue.h"
#include "storage/cache.h"

namespace memstripe::protocol {

// What the protocol needs from the process around it; the server implements it.
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

  virtual ~ServerContext() = default;
  virtual ConnectionStats connection_stats() const = 0;
  // Every worker thread's command counters added up, for `stats`.
  virtual CommandStats command_stats() const = 0;
  // `stats reset`: every worker's CommandStats, and the connection totals memcached resets
  // (total_connections, rejected_connections). The cache's counters are reset by the Session.
  virtual void reset_command_stats() = 0;
  // `stats settings`: every "STAT <name> <value>" line, in memcached's order (the server
  // knows the configuration); the Session adds the END.
  virtual void append_settings(OutputQueue& out) const = 0;
  // `stats conns`: "STAT <id>:<name> <value>" lines for each open connection (and
  // listener), as memcached writes them; the Session adds the END.
  virtual void append_connections(OutputQueue& out) const = 0;
  // `verbosity` (already clamped to memcached's maximum, 2).
  virtual void set_verbosity(int level) = 0;
  // `shutdown` (only when -A allows it). The connection that asked is closed at once.
  virtual void request_shutdown() = 0;
  // `shutdown graceful` (memcached's SIGUSR1); by default the same as a plain shutdown.
  virtual void request_graceful_shutdown() { request_shutdown(); }
};

struct ProtocolConfig {
  bool shutdown_enabled = false;  // -A
  bool flush_enabled = true;      // -F turns flush_all off
  bool dump_enabled = true;       // -X turns stats cachedump and lru_crawler metadump off
  bool debug_clock = false;       // enables `debug_advance_clock <seconds>` for tests only
};

class SessionCore;

class Session {
 public:
  Session(storage::Cache& cache, ServerContext& server, CommandStats& stats,
          const ProtocolConfig& config);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Parses and executes every complete command at the front of `input`, appending the
  // replies to `out`. Returns the bytes consumed; the caller keeps the rest, adds what
  // arrives next, and calls again. Stops early once close_requested().
  // (The server counts bytes_read and bytes_written; the Session counts commands.)
  std::size_t process(std::string_view input, OutputQueue& out);
  // The same, executing at most `commands_left` command lines and counting it down: a
  // client's turn ends after memcached's -R requests, so a long pipeline cannot hold up
  // the other clients of its thread. A data block already announced is still taken.
  std::size_t process(std::string_view input, OutputQueue& out, unsigned& commands_left);

  // While a data block is arriving, the part of the new item's value still missing: the
  // server may read the socket straight into it, then report with value_received(). The
  // block's closing "\r\n" and everything after it go through process() as usual.
  std::span<char> value_sink() noexcept;
  void value_received(std::size_t n) noexcept;

  enum class Close : std::uint8_t {
    kNo,
    kAfterReplies,  // `quit`, too many connections: send what is queued, then close
    kNow,           // memcached drops the connection at once (HTTP request, runaway line)
  };
  Close close_requested() const noexcept;
  // Why, in a few words the server can log ("quit", "HTTP request", ...).
  std::string_view close_reason() const noexcept;

  // True while the bytes kept by the caller are the start of an unfinished command (or a
  // data block is expected), so an idle connection can give its read buffer back only
  // when this is false.
  bool mid_command() const noexcept;

 private:
  std::unique_ptr<SessionCore> core_;
};

}  // namespace memstripe::protocol
