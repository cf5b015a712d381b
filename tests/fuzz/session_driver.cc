#include "session_driver.h"

#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "fuzz_check.h"
#include "protocol/output_queue.h"
#include "protocol/text_parser.h"
#include "binary_reply_checker.h"
#include "reply_checker.h"
#include "storage/cache.h"

namespace memstripe::fuzz {
namespace {

// What the server answers for itself (`stats`, `stats settings`, `stats conns`); the same
// every time, so that two runs of one input answer alike.
class FuzzServer : public protocol::ServerContext {
 public:
  ConnectionStats connection_stats() const override {
    ConnectionStats s;
    s.max_connections = 1024;
    s.curr_connections = 1;
    s.total_connections = 1;
    s.connection_structures = 1;
    s.threads = 1;
    return s;
  }
  protocol::CommandStats command_stats() const override { return commands; }
  void reset_command_stats() override { commands.reset(); }
  ProcessStats process_stats() const override {
    ProcessStats s;
    s.pid = 1;
    s.event_library = "epoll";
    return s;
  }
  void report_settings(protocol::StatSink& sink) const override { sink.number("maxbytes", 2097152); }
  void report_connections(protocol::StatSink& sink) const override {
    sink.stat("7:addr", "tcp:127.0.0.1:11211");
    sink.stat("7:state", "conn_parse_cmd");
  }
  void set_verbosity(int) override {}
  void request_shutdown() override {}
  bool check_credentials(std::string_view user, std::string_view password) override {
    const bool ok = user == kFuzzUser && password == kFuzzPassword;
    logged_in = logged_in || ok;
    return ok;
  }

  protocol::CommandStats commands;
  bool logged_in = false;
};

// Under -Y, before the login: no command has reached the command layer or the cache.
void check_nothing_reached_the_cache(const FuzzServer& server, const storage::Cache& cache) {
  if (server.logged_in) return;
  const protocol::CommandStats& c = server.commands;
  FUZZ_CHECK(cache.stats().curr_items == 0, "an item was stored before the connection authenticated");
  FUZZ_CHECK(c.cmd_get.get() + c.cmd_set.get() + c.cmd_touch.get() + c.cmd_flush.get() == 0,
             "a command was counted before the connection authenticated");
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Hands everything queued to the checker, as the socket would take it.
template <class Checker>
void drain(protocol::OutputQueue& out, Checker& checker) {
  while (!out.empty()) {
    iovec iov[16];
    const std::size_t n = out.gather(iov, 16);
    FUZZ_CHECK(n > 0);
    std::size_t sent = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool ok = checker.feed(std::string_view(static_cast<const char*>(iov[i].iov_base), iov[i].iov_len));
      FUZZ_CHECK(ok, "%s", checker.error().c_str());
      sent += iov[i].iov_len;
    }
    FUZZ_CHECK(sent <= out.pending_bytes());
    out.consume(sent);
  }
}

}  // namespace

ChunkPlan random_plan(std::size_t input_size, std::uint64_t seed, bool use_value_sink) {
  ChunkPlan plan;
  plan.use_value_sink = use_value_sink;
  std::size_t left = input_size;
  while (left > 0) {
    const std::uint64_t r = splitmix64(seed);
    std::size_t size;
    switch (r % 8) {
      case 0: size = 1; break;
      case 1: size = 2 + (r >> 8) % 2; break;
      case 7: size = 1 + (r >> 8) % 4096; break;
      default: size = 1 + (r >> 8) % 64; break;
    }
    size = std::min(size, left);
    plan.sizes.push_back(size);
    left -= size;
  }
  return plan;
}

namespace {

template <class Checker>
SessionRun run_with(std::string_view input, const ChunkPlan& plan, protocol::Binding binding, bool ascii_auth) {
  storage::Clock clock(1'700'000'000);
  storage::CacheConfig config;
  config.memory_limit = kFuzzMemoryLimit;
  config.item_size_max = kFuzzItemSizeMax;
  config.shard_count = 2;
  storage::Cache cache(config, clock);
  FuzzServer server;
  protocol::ProtocolConfig protocol_config;
  protocol_config.shutdown_enabled = true;
  protocol_config.debug_clock = true;
  protocol_config.binding = binding;
  protocol_config.ascii_auth = ascii_auth;
  protocol::RequestScratch requests;
  protocol::Session session(cache, server, server.commands, protocol_config, requests);
  protocol::OutputQueue out;
  Checker checker;
  SessionRun run;

  std::string pending;  // the server's read buffer: bytes not yet consumed
  auto closed = [&] { return session.close_requested() != protocol::Session::Close::kNo; };

  // What the server does after a read: process the buffer, pour buffered bytes into a
  // value being received, and flush the replies, until nothing more can be done.
  auto pump = [&] {
    while (!closed()) {
      std::span<char> sink = session.value_sink();
      if (!sink.empty() && !pending.empty() && plan.use_value_sink) {
        const std::size_t n = std::min(sink.size(), pending.size());
        std::memcpy(sink.data(), pending.data(), n);
        session.value_received(n);
        pending.erase(0, n);
        run.consumed += n;
        continue;
      }
      // Called on nothing too: a binary value poured whole into the sink completes there.
      const std::size_t used = session.process(pending, out);
      FUZZ_CHECK(used <= pending.size());
      pending.erase(0, used);
      run.consumed += used;
      drain(out, checker);
      FUZZ_CHECK(checker.at_reply_boundary(), "a reply left unfinished by process()");
      if (used == 0 || pending.empty()) break;
    }
    // A partial command line is all the session may leave unconsumed, and it is bounded
    // (a last '\r' waits for its '\n').
    if (!closed() && session.value_sink().empty()) {
      FUZZ_CHECK(pending.size() <= protocol::LineFramer::kMaxGetLine + 1);
    }
    const storage::CacheStats stats = cache.stats();
    FUZZ_CHECK(stats.allocated_bytes <= stats.limit_maxbytes, "cache holds %llu bytes over a limit of %llu",
               static_cast<unsigned long long>(stats.allocated_bytes),
               static_cast<unsigned long long>(stats.limit_maxbytes));
    if (ascii_auth) check_nothing_reached_the_cache(server, cache);
  };

  auto receive = [&](std::string_view chunk) {
    // The server's readv: the rest of a value straight into the item, the rest into the buffer.
    std::span<char> sink = session.value_sink();
    if (plan.use_value_sink && !sink.empty() && pending.empty()) {
      const std::size_t n = std::min(sink.size(), chunk.size());
      std::memcpy(sink.data(), chunk.data(), n);
      session.value_received(n);
      run.consumed += n;
      chunk.remove_prefix(n);
    }
    pending.append(chunk);
    pump();
  };

  if (plan.sizes.empty()) {
    receive(input);
  } else {
    std::size_t offset = 0;
    for (std::size_t size : plan.sizes) {
      if (closed()) break;
      receive(input.substr(offset, size));
      offset += size;
    }
  }
  drain(out, checker);
  FUZZ_CHECK(run.consumed <= input.size());
  run.digest = checker.digest();
  run.reply_bytes = checker.bytes();
  run.digested_bytes = checker.digested_bytes();
  run.replies = checker.replies();
  run.kept = checker.kept();
  run.kept_all = checker.kept_all();
  run.close = session.close_requested();
  run.close_reason = std::string(session.close_reason());
  return run;
}

}  // namespace

SessionRun run_session(std::string_view input, const ChunkPlan& plan, Wire wire) {
  if (wire == Wire::kBinary) return run_with<BinaryReplyChecker>(input, plan, protocol::Binding::kBinary, false);
  return run_with<ReplyChecker>(input, plan, protocol::Binding::kAscii, wire == Wire::kTextAuthenticated);
}

}  // namespace memstripe::fuzz
