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
  virtual void reset_command_stats() = 0;
  // `stats settings` lines that only the server knows (port, unix socket, maxconns...).
  virtual void append_settings(OutputQueue& out) const = 0;
  // `stats conns`: one block per open connection.
  virtual void append_connections(OutputQueue& out) const = 0;
  virtual void set_verbosity(int level) = 0;
  // `shutdown` (only when -A allows it).
  virtual void request_shutdown() = 0;
};

struct ProtocolConfig {
  bool shutdown_enabled = false;  // -A
  bool debug_clock = false;  // enables `debug_advance_clock <seconds>` for tests only
};

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
  std::size_t process(std::string_view input, OutputQueue& out);

  // While a data block is arriving, the part of the new item's value still missing: the
  // server may read the socket straight into it, then report with value_received().
  std::span<char> value_sink() noexcept;
  void value_received(std::size_t n) noexcept;

  enum class Close : std::uint8_t {
    kNo,
    kAfterReplies,  // `quit`, too many connections: send what is queued, then close
    kNow,           // memcached drops the connection at once (HTTP request, runaway line)
  };
  Close close_requested() const noexcept;

  // True while the bytes kept by the caller are the start of an unfinished command, so
  // an idle connection can give its read buffer back.
  bool mid_command() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace memstripe::protocol
