// The hook for the meta protocol (mg ms md ma mn me): the Session hands every meta command
// line here, and hands back the data block of an `ms` once it has arrived.
//
// The meta protocol is implemented in meta_commands.cc. Until it is, every meta command is
// answered as memcached answers an unknown command ("ERROR").
//
// What the handler may use (session_core.h): the cache, the server context, this worker's
// CommandStats (cmd_meta, cmd_get, cmd_touch are the handler's to count; cmd_set is counted
// by the core when a data block completes), set_noreply()/reply(), request_close().
//
// How an `ms` uses the session's data-block machinery: execute() parses the line,
// allocates the item with Cache::allocate() and hands it to
// SessionCore::expect_data_block(item, StoreOrigin::kMeta) (or calls swallow_data_block()
// on an error that swallows the block), keeps what its reply needs (opaque, flags) in
// members, and returns. When the value and its "\r\n" are in, the core calls
// finish_store(); when the two bytes after the value are not "\r\n", bad_data_chunk().
// One store is pending at a time per session.
#pragma once

#include "protocol/output_queue.h"
#include "protocol/text_parser.h"
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
  [[maybe_unused]] SessionCore& core_;
};

}  // namespace memstripe::protocol
