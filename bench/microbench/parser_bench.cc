// The text protocol through its public headers: framing and naming command lines
// (protocol/text_parser.h), and whole commands through a Session (protocol/session.h),
// parsing and executing against a real cache, in commands/s and bytes/s.
#include <benchmark/benchmark.h>

#include <string>

#include "protocol/output_queue.h"
#include "protocol/session.h"
#include "protocol/text_parser.h"
#include "storage/cache.h"
#include "storage/clock.h"

namespace {

using namespace memstripe;

constexpr int kCommandsPerBuffer = 256;
constexpr int kKeys = 10000;

std::string key(int i) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "key:%028d", i % kKeys);
  return std::string(buf, 32);
}

// A pipelined buffer of kCommandsPerBuffer commands.
std::string gets(int width) {
  std::string s;
  for (int c = 0; c < kCommandsPerBuffer; ++c) {
    s += "get";
    for (int k = 0; k < width; ++k) s += " " + key(c * width + k);
    s += "\r\n";
  }
  return s;
}

std::string sets(std::size_t value_size) {
  std::string s;
  const std::string value(value_size, 'v');
  for (int c = 0; c < kCommandsPerBuffer; ++c)
    s += "set " + key(c) + " 0 0 " + std::to_string(value_size) + "\r\n" + value + "\r\n";
  return s;
}

// Framing and naming only: what the parser costs before any command runs. A set's data
// block is not the parser's (the session reads it into the item), so set lines are
// framed alone.
void BM_ParseLines(benchmark::State& state, std::string input) {
  for (auto _ : state) {
    protocol::LineFramer framer;
    std::string_view rest = input;
    while (!rest.empty()) {
      const auto frame = framer.next(rest);
      if (frame.status != protocol::FrameStatus::kLine) break;
      auto command = protocol::parse_command(frame.line);
      benchmark::DoNotOptimize(command);
      rest.remove_prefix(frame.consumed);
    }
  }
  state.SetItemsProcessed(state.iterations() * kCommandsPerBuffer);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}

std::string set_lines() {
  std::string s;
  for (int c = 0; c < kCommandsPerBuffer; ++c) s += "set " + key(c) + " 0 0 32\r\n";
  return s;
}

BENCHMARK_CAPTURE(BM_ParseLines, get, gets(1));
BENCHMARK_CAPTURE(BM_ParseLines, multiget16, gets(16));
BENCHMARK_CAPTURE(BM_ParseLines, set_line, set_lines());

// The server's side of a Session, with nothing to say.
class NullServer : public protocol::ServerContext {
 public:
  ConnectionStats connection_stats() const override { return {}; }
  protocol::CommandStats command_stats() const override { return {}; }
  void reset_command_stats() override {}
  ProcessStats process_stats() const override { return {}; }
  void report_settings(protocol::StatSink&) const override {}
  void report_connections(protocol::StatSink&) const override {}
  void set_verbosity(int) override {}
  void request_shutdown() override {}
};

// Whole commands: parse, execute against the cache, write the replies. Every key is
// stored first, so gets hit.
void BM_Session(benchmark::State& state, std::string input) {
  storage::Clock clock;
  storage::Cache cache(storage::CacheConfig{}, clock);
  NullServer server;
  protocol::CommandStats stats;
  protocol::RequestScratch requests;
  protocol::Session session(cache, server, stats, protocol::ProtocolConfig{}, requests);
  {
    protocol::OutputQueue out;
    std::string fill;
    for (int i = 0; i < kKeys; ++i) fill += "set " + key(i) + " 0 0 32\r\n" + std::string(32, 'v') + "\r\n";
    if (session.process(fill, out) != fill.size()) state.SkipWithError("the fill was not consumed");
  }
  for (auto _ : state) {
    protocol::OutputQueue out;
    const std::size_t used = session.process(input, out);
    if (used != input.size()) {
      state.SkipWithError("the session did not consume the whole buffer");
      break;
    }
    benchmark::DoNotOptimize(out.pending_bytes());
  }
  state.SetItemsProcessed(state.iterations() * kCommandsPerBuffer);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * input.size()));
}

BENCHMARK_CAPTURE(BM_Session, get, gets(1));
BENCHMARK_CAPTURE(BM_Session, multiget16, gets(16));
BENCHMARK_CAPTURE(BM_Session, set_32B, sets(32));
BENCHMARK_CAPTURE(BM_Session, set_4KiB, sets(4096));

}  // namespace

BENCHMARK_MAIN();
