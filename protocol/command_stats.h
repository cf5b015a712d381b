// Per-command counters kept by each worker thread and summed for `stats`. One thread
// writes a given CommandStats, others only read it, so a relaxed load and store pair is
// enough and costs what a plain increment costs.
#pragma once

#include <atomic>
#include <cstdint>

namespace memstripe::protocol {

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  std::uint64_t get() const noexcept { return value_.load(std::memory_order_relaxed); }
  void reset() noexcept { value_.store(0, std::memory_order_relaxed); }
  Counter() = default;
  Counter(const Counter& other) noexcept : value_(other.get()) {}
  Counter& operator=(const Counter& other) noexcept {
    value_.store(other.get(), std::memory_order_relaxed);
    return *this;
  }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// memcached's per-thread stats that the protocol layer counts (the cache counts hits,
// misses and memory itself), with memcached's meaning.
struct CommandStats {
  Counter cmd_get;    // keys looked up by get/gets (and meta mg)
  Counter cmd_set;    // data blocks received by storage commands (ms included)
  Counter cmd_flush;  // flush_all commands, refused ones included
  Counter cmd_touch;  // keys touched by touch, gat and gats
  Counter cmd_meta;   // meta commands
  Counter auth_cmds;    // authentications tried (SASL: each that ended)
  Counter auth_errors;  // ... and failed
  Counter bytes_read;     // counted by the server, as it reads and writes
  Counter bytes_written;
  Counter conn_yields;    // turns a connection ended with requests left (-R), by the server

  CommandStats& operator+=(const CommandStats& o) noexcept {
    cmd_get.add(o.cmd_get.get());
    cmd_set.add(o.cmd_set.get());
    cmd_flush.add(o.cmd_flush.get());
    cmd_touch.add(o.cmd_touch.get());
    cmd_meta.add(o.cmd_meta.get());
    auth_cmds.add(o.auth_cmds.get());
    auth_errors.add(o.auth_errors.get());
    bytes_read.add(o.bytes_read.get());
    bytes_written.add(o.bytes_written.get());
    conn_yields.add(o.conn_yields.get());
    return *this;
  }
  void reset() noexcept { *this = CommandStats{}; }
};

}  // namespace memstripe::protocol
