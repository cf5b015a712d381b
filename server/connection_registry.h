// What `stats conns` reports about listeners and client connections, and the lists it
// reads. Connections live on worker threads while `stats conns` runs on whichever worker
// received it, so each worker's list has its own mutex: taken when a connection opens or
// closes and when the stats are read, never per request.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/clock.h"

namespace memstripe::server {

// memcached's connection states, as far as memstripe's connections have them.
enum class ConnectionState : std::uint8_t {
  kNewCommand,    // connected, nothing received yet (conn_new_cmd)
  kWaiting,       // between commands, or part of a command line received (conn_read)
  kParsing,       // executing commands (conn_parse_cmd): the one asking for stats is
  kReadingValue,  // a data block is arriving (conn_nread)
  kWriting,       // replies wait for the socket (conn_mwrite)
  kClosing,       // conn_closing
};
std::string_view state_name(ConnectionState state) noexcept;

struct ListenerRecord {
  int fd = -1;
  std::string address;  // "tcp:127.0.0.1:11211", "unix:/path"
  bool is_unix = false;
  storage::RelTime created = 0;
  bool tls = false;  // -Z: its connections start with a TLS handshake
};

// The part of a connection that other threads may read. Only the owning worker writes it.
class ConnectionRecord {
 public:
  ConnectionRecord(int fd, const ListenerRecord& listener, storage::RelTime now) noexcept
      : fd_(fd), listener_(&listener), last_command_(now) {}

  int fd() const noexcept { return fd_; }
  const ListenerRecord& listener() const noexcept { return *listener_; }
  ConnectionState state() const noexcept { return state_.load(std::memory_order_relaxed); }
  void set_state(ConnectionState s) noexcept { state_.store(s, std::memory_order_relaxed); }
  storage::RelTime last_command() const noexcept { return last_command_.load(std::memory_order_relaxed); }
  void set_last_command(storage::RelTime t) noexcept { last_command_.store(t, std::memory_order_relaxed); }

 private:
  friend class ConnectionRegistry;
  int fd_;
  const ListenerRecord* listener_;
  std::atomic<ConnectionState> state_{ConnectionState::kNewCommand};
  std::atomic<storage::RelTime> last_command_;
  ConnectionRecord* prev_ = nullptr;  // guarded by the registry's mutex
  ConnectionRecord* next_ = nullptr;
};

// One worker's open connections.
class ConnectionRegistry {
 public:
  void add(ConnectionRecord& record);
  // After this returns no reader looks at `record`: its descriptor may be closed.
  void remove(ConnectionRecord& record);
  std::size_t size() const;

  // Calls f(record) for each connection, the mutex held: f must not add or remove.
  template <typename F>
  void for_each(F&& f) const {
    std::lock_guard lock(mutex_);
    for (ConnectionRecord* r = head_; r; r = r->next_) f(*r);
  }

 private:
  mutable std::mutex mutex_;
  ConnectionRecord* head_ = nullptr;
  std::size_t count_ = 0;
};

// `stats conns`: every listener and connection, ordered by descriptor as memcached lists
// them; each line is passed to `emit` without "STAT " or "\r\n".
void report_connections(const std::vector<ListenerRecord>& listeners,
                        const std::vector<const ConnectionRegistry*>& registries, storage::RelTime now,
                        const std::function<void(std::string_view name, std::string_view value)>& emit);

}  // namespace memstripe::server
