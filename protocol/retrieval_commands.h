// The commands that read items: get, gets, gat, gats and mg (one key at a time: a multi-get
// is a loop over its keys), and me. They count cmd_get, cmd_touch and cmd_meta as memcached
// does; the cache counts hits and misses.
#pragma once

#include <string_view>

#include "protocol/command_context.h"
#include "protocol/requests.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class RetrievalCommands {
 public:
  explicit RetrievalCommands(CommandContext& context) noexcept : context_(context) {}

  storage::ReadResult get(std::string_view key, const storage::ReadOptions& options);
  storage::ItemDescription describe(const DescribeRequest& request);

 private:
  CommandContext& context_;
};

}  // namespace memstripe::protocol
