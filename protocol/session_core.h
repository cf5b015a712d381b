// The Session's insides, shared by the files that execute commands (classic_commands.cc,
// admin_commands.cc, stats_commands.cc, and the meta protocol's meta_commands.cc). Not part
// of the protocol library's public interface: the server sees only session.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "protocol/command_stats.h"
#include "protocol/meta_commands.h"
#include "protocol/output_queue.h"
#include "protocol/session.h"
#include "protocol/text_parser.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class SessionCore {
 public:
  SessionCore(storage::Cache& cache, ServerContext& server, CommandStats& stats,
              const ProtocolConfig& config);
  SessionCore(const SessionCore&) = delete;
  SessionCore& operator=(const SessionCore&) = delete;

  // Session's interface (see session.h).
  std::size_t process(std::string_view input, OutputQueue& out, unsigned& commands_left);
  std::span<char> value_sink() noexcept;
  void value_received(std::size_t n) noexcept;
  Session::Close close_requested() const noexcept { return close_; }
  std::string_view close_reason() const noexcept { return close_reason_; }
  bool mid_command() const noexcept;

  // For the command handlers.
  storage::Cache& cache() noexcept { return cache_; }
  ServerContext& server() noexcept { return server_; }
  CommandStats& stats() noexcept { return stats_; }
  const ProtocolConfig& config() const noexcept { return config_; }

  enum class StoreOrigin : std::uint8_t { kClassic, kMeta };
  // The next `item.value().size()` bytes are the data block's value, then "\r\n". A
  // classic store keeps `mode` and `options` for when it is complete; a meta one is handed
  // back to MetaCommands::finish_store().
  void expect_data_block(storage::NewItem&& item, StoreOrigin origin,
                         storage::StoreMode mode = storage::StoreMode::kSet,
                         const storage::StoreOptions& options = {});
  // The next `bytes` bytes are a refused data block (its "\r\n" included): skip them.
  void swallow_data_block(std::uint64_t bytes) noexcept;
  void request_close(Session::Close how, std::string_view reason) noexcept;

  // The current command's noreply: replies through reply() are dropped, errors included.
  void set_noreply(bool noreply) noexcept { noreply_ = noreply; }
  void reply(OutputQueue& out, std::string_view text) {
    if (!noreply_) out.append(text);
  }

 private:
  enum class Phase : std::uint8_t { kCommandLine, kDataBlock, kSwallow };

  struct PendingStore {
    storage::NewItem item;
    std::size_t filled = 0;        // value bytes written so far
    char trailer[2] = {0, 0};      // the two bytes after the value: must be "\r\n"
    std::size_t trailer_seen = 0;
    StoreOrigin origin = StoreOrigin::kClassic;
    storage::StoreMode mode = storage::StoreMode::kSet;
    storage::StoreOptions options;
    bool noreply = false;
  };

  std::size_t take_data_block(std::string_view input, OutputQueue& out);
  void finish_data_block(OutputQueue& out);
  void execute(const Command& command, OutputQueue& out);

  // classic_commands.cc
  void retrieve(const Command& command, OutputQueue& out, bool with_cas, bool touch);
  void store(const Command& command, storage::StoreMode mode, OutputQueue& out);
  void store_classic(PendingStore& pending, OutputQueue& out);
  void remove(const Command& command, OutputQueue& out);
  void arithmetic(const Command& command, bool increment, OutputQueue& out);
  void touch(const Command& command, OutputQueue& out);

  // admin_commands.cc
  void flush_all(const Command& command, OutputQueue& out);
  void version(OutputQueue& out);
  void verbosity(const Command& command, OutputQueue& out);
  void shutdown(const Command& command, OutputQueue& out);
  void cache_memlimit(const Command& command, OutputQueue& out);
  void slabs(const Command& command, OutputQueue& out);
  void lru(const Command& command, OutputQueue& out);
  void lru_crawler(const Command& command, OutputQueue& out);
  void watch(const Command& command, OutputQueue& out);
  void debug_advance_clock(const Command& command, OutputQueue& out);

  // stats_commands.cc
  void report_stats(const Command& command, OutputQueue& out);
  void stats_general(OutputQueue& out);
  void stats_settings(OutputQueue& out);
  void stats_items(OutputQueue& out);
  void stats_slabs(OutputQueue& out);
  void stats_cachedump(const Command& command, OutputQueue& out);
  void stats_detail(const Command& command, OutputQueue& out);
  void lru_crawler_metadump(std::string_view classes, OutputQueue& out);

  storage::Cache& cache_;
  ServerContext& server_;
  CommandStats& stats_;
  const ProtocolConfig config_;
  const ParseOptions parse_options_;
  MetaCommands meta_;

  LineFramer framer_;
  Phase phase_ = Phase::kCommandLine;
  PendingStore pending_;
  std::uint64_t swallow_left_ = 0;
  bool noreply_ = false;
  bool seen_first_byte_ = false;
  Session::Close close_ = Session::Close::kNo;
  std::string_view close_reason_;
};

}  // namespace memstripe::protocol
