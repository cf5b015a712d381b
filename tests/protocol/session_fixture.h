// A Session over a real storage::Cache whose clock the test controls, a ServerContext that
// records what the protocol asked of it, and drivers that feed bytes the ways a server can:
// whole, split anywhere, one byte at a time, or with data blocks read "from the socket"
// straight into the item through value_sink().
#pragma once

#include <gtest/gtest.h>

#include <sys/uio.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/output_queue.h"
#include "protocol/session.h"
#include "storage/cache.h"

namespace memstripe::protocol::testing {

inline constexpr std::size_t kMiB = 1024 * 1024;

class RecordingServer : public ServerContext {
 public:
  ConnectionStats connection_stats() const override {
    ConnectionStats s;
    s.max_connections = 1024;
    s.curr_connections = 3;
    s.total_connections = 7;
    s.rejected_connections = 1;
    s.connection_structures = 4;
    s.threads = 2;
    return s;
  }
  CommandStats command_stats() const override {
    CommandStats sum = commands;
    sum += other_worker;
    return sum;
  }
  void reset_command_stats() override {
    commands.reset();
    other_worker.reset();
    ++resets;
  }
  ProcessStats process_stats() const override {
    ProcessStats s;
    s.pid = 4242;
    s.user_time = {1, 5};
    s.system_time = {0, 250000};
    s.event_library = "epoll";
    return s;
  }
  void report_settings(StatSink& sink) const override { sink.number("maxbytes", 67108864); }
  void report_connections(StatSink& sink) const override { sink.stat("9:state", "conn_parse_cmd"); }
  void set_verbosity(int level) override { verbosity = level; }
  void request_shutdown() override { ++shutdowns; }
  void request_graceful_shutdown() override { ++graceful_shutdowns; }
  TlsStats tls_stats() const override { return tls; }
  std::string refresh_certificates() override {
    if (!tls.enabled) return ServerContext::refresh_certificates();
    ++refreshes;
    return refresh_error;
  }

  CommandStats commands;      // the Session's own worker
  CommandStats other_worker;  // another worker's, to show that stats sums them
  int verbosity = -1;
  int shutdowns = 0;
  int graceful_shutdowns = 0;
  int resets = 0;
  TlsStats tls;               // -Z: off unless a test turns it on
  std::string refresh_error;  // what refresh_certs fails with; "" succeeds
  int refreshes = 0;
};

// Everything queued, as the socket would receive it.
inline std::string drain(OutputQueue& out) {
  std::string sent;
  while (!out.empty()) {
    iovec iov[16];
    const std::size_t n = out.gather(iov, 16);
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < n; ++i) {
      sent.append(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len);
      bytes += iov[i].iov_len;
    }
    out.consume(bytes);
  }
  return sent;
}

class SessionTest : public ::testing::Test {
 protected:
  static constexpr std::time_t kStartTime = 1'700'000'000;

  explicit SessionTest(storage::CacheConfig cache_config = default_cache_config(),
                       ProtocolConfig protocol_config = default_protocol_config())
      : clock_(kStartTime),
        cache_config_(cache_config),
        protocol_config_(protocol_config),
        cache_(std::make_unique<storage::Cache>(cache_config, clock_)),
        session_(std::make_unique<Session>(*cache_, server_, server_.commands, protocol_config_, requests_)) {}

  static storage::CacheConfig default_cache_config() {
    storage::CacheConfig c;
    c.memory_limit = 64 * kMiB;
    c.shard_count = 4;
    return c;
  }
  static ProtocolConfig default_protocol_config() {
    ProtocolConfig p;
    p.debug_clock = true;
    return p;
  }

  // A fresh connection (same cache): nothing of the last one's input is left.
  void reconnect() {
    session_ = std::make_unique<Session>(*cache_, server_, server_.commands, protocol_config_, requests_);
    pending_.clear();
  }

  // Feeds `input` in one piece, as a server would with everything buffered; returns what
  // the client receives. Bytes the session leaves (an unfinished command) stay pending.
  std::string send(std::string_view input) { return send_chunks({input}); }

  // Feeds the chunks one after the other, keeping what each call leaves unconsumed.
  std::string send_chunks(const std::vector<std::string_view>& chunks, bool read_values_into_sink = false) {
    for (std::string_view chunk : chunks) {
      pending_.append(chunk);
      pump(read_values_into_sink);
      if (session_->close_requested() != Session::Close::kNo) break;
    }
    return drain(out_);
  }

  // Feeds `input` split at `at`.
  std::string send_split(std::string_view input, std::size_t at, bool use_sink = false) {
    return send_chunks({input.substr(0, at), input.substr(at)}, use_sink);
  }

  // Feeds `input` one byte at a time.
  std::string send_bytewise(std::string_view input) {
    std::vector<std::string_view> bytes;
    for (std::size_t i = 0; i < input.size(); ++i) bytes.push_back(input.substr(i, 1));
    return send_chunks(bytes);
  }

  Session::Close close() const { return session_->close_requested(); }
  std::size_t unconsumed() const { return pending_.size(); }

  std::string value_of(std::string_view key) {
    storage::ReadResult r = cache_->read(key, {.bump = false});
    return r.item ? std::string(r.item.value()) : std::string("<miss>");
  }
  std::uint64_t cas_of(std::string_view key) {
    storage::ReadResult r = cache_->read(key, {.bump = false});
    return r.item ? r.item.cas() : 0;
  }

  storage::Clock clock_;
  storage::CacheConfig cache_config_;
  ProtocolConfig protocol_config_;
  RecordingServer server_;
  std::unique_ptr<storage::Cache> cache_;
  RequestScratch requests_;  // as a worker's: shared by every session the test makes
  std::unique_ptr<Session> session_;
  OutputQueue out_;

 private:
  // What a server does with its read buffer: while a data block is expected, the bytes
  // that arrive go straight into the item (as if read from the socket into value_sink());
  // everything else goes through process().
  void pump(bool read_values_into_sink) {
    for (;;) {
      std::span<char> sink = session_->value_sink();
      if (read_values_into_sink && !sink.empty() && !pending_.empty()) {
        const std::size_t n = std::min(sink.size(), pending_.size());
        std::copy_n(pending_.data(), n, sink.data());
        session_->value_received(n);
        pending_.erase(0, n);
        continue;
      }
      const std::size_t used = session_->process(pending_, out_);
      pending_.erase(0, used);
      if (session_->close_requested() != Session::Close::kNo) return;
      if (used == 0 || pending_.empty()) return;
    }
  }

  std::string pending_;
};

}  // namespace memstripe::protocol::testing
