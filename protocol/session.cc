#include "protocol/session.h"

#include <limits>
#include <utility>
#include <variant>

#include "protocol/admin_commands.h"
#include "protocol/key_commands.h"
#include "protocol/retrieval_commands.h"
#include "protocol/stats_commands.h"
#include "protocol/storage_commands.h"

namespace memstripe::protocol {
namespace {

// memcached's binary protocol starts every request with this magic byte. memcached
// decides a connection's protocol from its first byte; memstripe speaks text only.
constexpr unsigned char kBinaryRequestMagic = 0x80;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace

Session::Session(storage::Cache& cache, ServerContext& server, CommandStats& stats, const ProtocolConfig& config)
    : context_{cache, stats, server, config}, decoder_(ParseOptions{config.debug_clock}), encoder_(cache.clock()) {}

std::size_t Session::process(std::string_view input, OutputQueue& out) {
  unsigned unlimited = std::numeric_limits<unsigned>::max();
  return process(input, out, unlimited);
}

std::size_t Session::process(std::string_view input, OutputQueue& out, unsigned& commands_left) {
  if (!seen_first_byte_ && !input.empty()) {
    seen_first_byte_ = true;
    if (static_cast<unsigned char>(input.front()) == kBinaryRequestMagic) {
      request_close(Close::kNow, "binary protocol is not supported");
      return 0;
    }
  }
  TextRequest request;
  MetaRequest meta;
  std::size_t pos = 0;
  while (close_ == Close::kNo) {
    if (commands_left == 0 && decoder_.at_command_line()) break;
    const DecodeResult decoded = decoder_.decode(input.substr(pos), request, meta);
    pos += decoded.consumed;
    if (decoded.new_command) --commands_left;
    switch (decoded.status) {
      case DecodeStatus::kRequest: execute(request, out); break;
      case DecodeStatus::kValueExpected: begin_store(request, out); break;
      case DecodeStatus::kValueComplete: finish_store(out); break;
      case DecodeStatus::kSkipped: break;
      case DecodeStatus::kNeedMore: return pos;
      case DecodeStatus::kClose: request_close(Close::kNow, decoder_.close_reason()); return pos;
    }
  }
  return pos;
}

void Session::execute(TextRequest& request, OutputQueue& out) {
  TextEncoder& encoder = encoder_;
  std::visit(
      Overloaded{
          [&](const NoRequest&) { encoder.answer(request, out); },
          [&](GetRequest& get) {
            RetrievalCommands retrieval(context_);
            std::string_view key;
            while (get.keys.next(key)) encoder.value(request, retrieval.get(key, get.options), out);
            encoder.end_of_values(request, out);
          },
          [&](const TouchRequest& touch) { encoder.touched(request, KeyCommands(context_).touch(touch), out); },
          [&](const DescribeRequest& describe) {
            encoder.described(request, RetrievalCommands(context_).describe(describe), out);
          },
          [&](const StoreRequest&) {},  // begin_store()
          [&](const RemoveRequest& remove) { encoder.removed(request, KeyCommands(context_).remove(remove), out); },
          [&](const ArithmeticRequest& arithmetic) {
            encoder.arithmetic(request, KeyCommands(context_).arithmetic(arithmetic), out);
          },
          [&](const FlushRequest& flush) { encoder.admin(request, AdminCommands(context_).flush(flush), out); },
          [&](const VersionRequest&) { encoder.version(request, AdminCommands(context_).version(), out); },
          [&](const NoopRequest&) { encoder.noop(request, out); },
          [&](const QuitRequest&) { request_close(Close::kAfterReplies, "quit"); },
          [&](const VerbosityRequest& verbosity) {
            AdminCommands(context_).verbosity(verbosity);
            encoder.admin(request, AdminStatus::kDone, out);
          },
          [&](const ShutdownRequest& shutdown) {
            const AdminStatus status = AdminCommands(context_).shutdown(shutdown);
            if (status == AdminStatus::kDone) {
              request_close(Close::kNow, "shutdown");  // memcached closes without a reply
            } else {
              encoder.shutdown_refused(request, status, out);
            }
          },
          [&](const MemlimitRequest& memlimit) {
            encoder.admin(request, AdminCommands(context_).set_memory_limit(memlimit), out);
          },
          [&](const AdvanceClockRequest& advance) {
            AdminCommands(context_).advance_clock(advance);
            encoder.admin(request, AdminStatus::kDone, out);
          },
          [&](const StatsRequest& stats) {
            TextEncoder::StatLines lines(out);
            StatsCommands(context_).report(stats, lines);
            encoder.end_of_stats(stats, out);
          },
          [&](const DumpRequest& dump) {
            TextEncoder::DumpLines lines = encoder.dump_lines(dump, out);
            const DumpStatus status =
                StatsCommands(context_).dump(dump, [&lines](const storage::ItemInfo& item) { return lines.item(item); });
            encoder.end_of_dump(dump, status, out);
          },
      },
      request.command);
}

void Session::begin_store(TextRequest& request, OutputQueue& out) {
  const auto& store = std::get<StoreRequest>(request.command);
  storage::AllocResult allocated = StorageCommands(context_).allocate(store);
  if (allocated.status != storage::AllocStatus::kOk) {
    encoder_.store_refused(request, allocated.status, out);
    decoder_.refuse_value();
    return;
  }
  decoder_.accept_value(std::move(allocated.item));
}

void Session::finish_store(OutputQueue& out) {
  PendingValue& pending = decoder_.pending_value();
  StorageCommands storage(context_);
  storage.value_arrived();
  if (!pending.terminated()) {
    pending.item.reset();
    encoder_.bad_data_chunk(pending.reply, out);
    return;
  }
  // The key is shown from the item, which the store may hand to the cache or free.
  storage::ItemRef shown;
  if (pending.reply.echoes('k')) shown = pending.item;
  const storage::StoreResult result = storage.store(pending.mode, pending.options, std::move(pending.item));
  encoder_.stored(pending.reply, result, shown, out);
}

void Session::request_close(Close how, std::string_view reason) noexcept {
  if (close_ == Close::kNow) return;
  close_ = how;
  close_reason_ = reason;
}

}  // namespace memstripe::protocol
