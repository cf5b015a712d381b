// The storage commands (set, add, replace, append, prepend, cas, ms) in their two steps: the
// item is allocated when the header arrives, so that the decoder can read the value
// straight into it, and stored once the value is whole.
#pragma once

#include "protocol/command_context.h"
#include "protocol/requests.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class StorageCommands {
 public:
  explicit StorageCommands(CommandContext& context) noexcept : context_(context) {}

  // A refused allocation (too large, no memory) is answered at once; memcached then skips
  // the value.
  storage::AllocResult allocate(const StoreRequest& request);
  // The value has arrived, well terminated or not: memcached counts cmd_set either way.
  void value_arrived() noexcept { context_.stats.cmd_set.add(); }
  storage::StoreResult store(storage::StoreMode mode, const storage::StoreOptions& options, storage::NewItem&& item);

 private:
  CommandContext& context_;
};

}  // namespace memstripe::protocol
