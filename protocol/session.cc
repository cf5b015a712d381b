#include "protocol/session.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "protocol/responses.h"
#include "protocol/session_core.h"

namespace memstripe::protocol {
namespace {

// memcached's binary protocol starts every request with this magic byte. memcached
// decides a connection's protocol from its first byte; memstripe speaks text only.
constexpr unsigned char kBinaryRequestMagic = 0x80;

}  // namespace

// --- Session: the server-facing shell ------------------------------------------------

Session::Session(storage::Cache& cache, ServerContext& server, CommandStats& stats,
                 const ProtocolConfig& config)
    : core_(std::make_unique<SessionCore>(cache, server, stats, config)) {}

Session::~Session() = default;

std::size_t Session::process(std::string_view input, OutputQueue& out) {
  unsigned unlimited = std::numeric_limits<unsigned>::max();
  return core_->process(input, out, unlimited);
}
std::size_t Session::process(std::string_view input, OutputQueue& out, unsigned& commands_left) {
  return core_->process(input, out, commands_left);
}
std::span<char> Session::value_sink() noexcept { return core_->value_sink(); }
void Session::value_received(std::size_t n) noexcept { core_->value_received(n); }
Session::Close Session::close_requested() const noexcept { return core_->close_requested(); }
std::string_view Session::close_reason() const noexcept { return core_->close_reason(); }
bool Session::mid_command() const noexcept { return core_->mid_command(); }

// --- SessionCore: framing, data blocks, dispatch --------------------------------------

SessionCore::SessionCore(storage::Cache& cache, ServerContext& server, CommandStats& stats,
                         const ProtocolConfig& config)
    : cache_(cache),
      server_(server),
      stats_(stats),
      config_(config),
      parse_options_{config.debug_clock},
      meta_(*this) {}

std::size_t SessionCore::process(std::string_view input, OutputQueue& out, unsigned& commands_left) {
  if (!seen_first_byte_ && !input.empty()) {
    seen_first_byte_ = true;
    if (static_cast<unsigned char>(input.front()) == kBinaryRequestMagic) {
      request_close(Session::Close::kNow, "binary protocol is not supported");
      return 0;
    }
  }
  std::size_t pos = 0;
  while (pos < input.size() && close_ == Session::Close::kNo) {
    const std::string_view rest = input.substr(pos);
    if (phase_ == Phase::kDataBlock) {
      pos += take_data_block(rest, out);
      continue;
    }
    if (phase_ == Phase::kSwallow) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(swallow_left_, rest.size()));
      swallow_left_ -= n;
      pos += n;
      if (swallow_left_ == 0) phase_ = Phase::kCommandLine;
      continue;
    }
    if (commands_left == 0) break;
    const Frame frame = framer_.next(rest);
    if (frame.status == FrameStatus::kNeedMore) break;
    if (frame.status == FrameStatus::kClose) {
      request_close(Session::Close::kNow, frame.close_reason);
      break;
    }
    pos += frame.consumed;
    --commands_left;
    execute(parse_command(frame.line, parse_options_), out);
  }
  return pos;
}

std::span<char> SessionCore::value_sink() noexcept {
  if (phase_ != Phase::kDataBlock) return {};
  return pending_.item.value().subspan(pending_.filled);
}

void SessionCore::value_received(std::size_t n) noexcept {
  if (phase_ != Phase::kDataBlock) return;
  const std::size_t room = pending_.item.value().size() - pending_.filled;
  n = std::min(n, room);
  pending_.filled += n;
}

bool SessionCore::mid_command() const noexcept {
  return phase_ != Phase::kCommandLine || framer_.mid_line();
}

void SessionCore::expect_data_block(storage::NewItem&& item, StoreOrigin origin, storage::StoreMode mode,
                                    const storage::StoreOptions& options) {
  pending_.item = std::move(item);
  pending_.filled = 0;
  pending_.trailer_seen = 0;
  pending_.origin = origin;
  pending_.mode = mode;
  pending_.options = options;
  pending_.noreply = noreply_;
  phase_ = Phase::kDataBlock;
}

void SessionCore::swallow_data_block(std::uint64_t bytes) noexcept {
  swallow_left_ = bytes;
  phase_ = bytes == 0 ? Phase::kCommandLine : Phase::kSwallow;
}

void SessionCore::request_close(Session::Close how, std::string_view reason) noexcept {
  if (close_ == Session::Close::kNow) return;
  close_ = how;
  close_reason_ = reason;
}

std::size_t SessionCore::take_data_block(std::string_view input, OutputQueue& out) {
  std::size_t used = 0;
  const std::span<char> value = pending_.item.value();
  if (pending_.filled < value.size()) {
    const std::size_t n = std::min(value.size() - pending_.filled, input.size());
    if (n != 0) std::memcpy(value.data() + pending_.filled, input.data(), n);
    pending_.filled += n;
    used = n;
  }
  // memcached reads exactly length + 2 bytes and only then looks at the last two.
  while (pending_.filled == value.size() && pending_.trailer_seen < 2 && used < input.size()) {
    pending_.trailer[pending_.trailer_seen++] = input[used++];
  }
  if (pending_.trailer_seen == 2) finish_data_block(out);
  return used;
}

void SessionCore::finish_data_block(OutputQueue& out) {
  phase_ = Phase::kCommandLine;
  stats_.cmd_set.add();
  noreply_ = pending_.noreply;
  const bool terminated = pending_.trailer[0] == '\r' && pending_.trailer[1] == '\n';
  if (pending_.origin == StoreOrigin::kMeta) {
    if (terminated) {
      meta_.finish_store(std::move(pending_.item), out);
    } else {
      pending_.item.reset();
      meta_.bad_data_chunk(out);
    }
  } else if (terminated) {
    store_classic(pending_, out);
  } else {
    pending_.item.reset();
    reply(out, reply::kBadDataChunk);
  }
  pending_.item.reset();
  noreply_ = false;
}

void SessionCore::execute(const Command& command, OutputQueue& out) {
  noreply_ = false;
  using storage::StoreMode;
  switch (command.code) {
    case CommandCode::kError: out.append(reply::kError); return;
    case CommandCode::kHttp: request_close(Session::Close::kNow, "HTTP request"); return;
    case CommandCode::kGet: retrieve(command, out, false, false); return;
    case CommandCode::kGets: retrieve(command, out, true, false); return;
    case CommandCode::kGat: retrieve(command, out, false, true); return;
    case CommandCode::kGats: retrieve(command, out, true, true); return;
    case CommandCode::kSet: store(command, StoreMode::kSet, out); return;
    case CommandCode::kAdd: store(command, StoreMode::kAdd, out); return;
    case CommandCode::kReplace: store(command, StoreMode::kReplace, out); return;
    case CommandCode::kAppend: store(command, StoreMode::kAppend, out); return;
    case CommandCode::kPrepend: store(command, StoreMode::kPrepend, out); return;
    case CommandCode::kCas: store(command, StoreMode::kCas, out); return;
    case CommandCode::kDelete: remove(command, out); return;
    case CommandCode::kIncr: arithmetic(command, true, out); return;
    case CommandCode::kDecr: arithmetic(command, false, out); return;
    case CommandCode::kTouch: touch(command, out); return;
    case CommandCode::kStats: report_stats(command, out); return;
    case CommandCode::kFlushAll: flush_all(command, out); return;
    case CommandCode::kVersion: version(out); return;
    case CommandCode::kQuit: request_close(Session::Close::kAfterReplies, "quit"); return;
    case CommandCode::kVerbosity: verbosity(command, out); return;
    case CommandCode::kShutdown: shutdown(command, out); return;
    case CommandCode::kCacheMemlimit: cache_memlimit(command, out); return;
    case CommandCode::kSlabs: slabs(command, out); return;
    case CommandCode::kLru: lru(command, out); return;
    case CommandCode::kLruCrawler: lru_crawler(command, out); return;
    case CommandCode::kWatch: watch(command, out); return;
    case CommandCode::kMetaGet:
    case CommandCode::kMetaSet:
    case CommandCode::kMetaDelete:
    case CommandCode::kMetaArithmetic:
    case CommandCode::kMetaNoop:
    case CommandCode::kMetaDebug: meta_.execute(command, out); return;
    case CommandCode::kDebugAdvanceClock: debug_advance_clock(command, out); return;
  }
}

}  // namespace memstripe::protocol
