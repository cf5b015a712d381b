// The meta protocol (mg ms md ma mn me) as memcached 1.6.18 serves it: the Session hands
// every meta command line here, and hands back the data block of an `ms` once it has
// arrived. Lines are read by meta_parser.h; this file runs them against the cache and
// writes the replies.
//
// What the handler uses (session_core.h): the cache, and this worker's CommandStats
// (cmd_get and cmd_touch for mg, cmd_meta for me, as memcached counts them; cmd_set is
// counted by the core when a data block completes).
//
// How an `ms` uses the session's data-block machinery: execute() parses the line,
// allocates the item with Cache::allocate() and hands it to
// SessionCore::expect_data_block(item, StoreOrigin::kMeta) (or calls swallow_data_block()
// on an error that swallows the block), keeps what its reply needs (the mode, `q`, the
// reply flags and the opaque) in members, and returns. When the value and its "\r\n" are
// in, the core calls finish_store(); when the two bytes after the value are not "\r\n",
// bad_data_chunk(). One store is pending at a time per session.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "protocol/meta_parser.h"
#include "protocol/output_queue.h"
#include "protocol/text_parser.h"
#include "storage/cache.h"
#include "storage/item.h"

namespace memstripe::protocol {

class SessionCore;

class MetaCommands {
 public:
  explicit MetaCommands(SessionCore& core) noexcept : core_(core) {}

  // `command.code` is one of kMetaGet..kMetaDebug.
  void execute(const Command& command, OutputQueue& out);
  void finish_store(storage::NewItem&& item, OutputQueue& out);
  void bad_data_chunk(OutputQueue& out);

 private:
  // What an `ms` reply needs once its data block is in: the line is gone by then.
  struct PendingSet {
    storage::StoreMode mode = storage::StoreMode::kSet;
    storage::StoreOptions options;
    bool quiet = false;
    // The reply flags memcached echoes for ms (O, k, c), in request order.
    std::array<char, 3> echo{};
    std::size_t echo_count = 0;
    std::array<char, kMaxOpaqueLength> opaque{};
    std::size_t opaque_length = 0;
  };

  void get(const Command& command, OutputQueue& out);
  void set(const Command& command, OutputQueue& out);
  void remove(const Command& command, OutputQueue& out);
  void arithmetic(const Command& command, OutputQueue& out);
  void debug(const Command& command, OutputQueue& out);

  SessionCore& core_;
  PendingSet pending_;
};

}  // namespace memstripe::protocol
