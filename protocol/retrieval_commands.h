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

  // Inline: it runs once per key of every get.
  storage::ReadResult get(std::string_view key, const storage::ReadOptions& options) {
    storage::ReadResult found = context_.cache.read(key, options);
    // gat and gats count as touches, not gets; an mg counts a miss as a get, with T or
    // without (memcached's counting).
    const bool counts_as_touch = options.touch && (found.item || !options.meta);
    (counts_as_touch ? context_.stats.cmd_touch : context_.stats.cmd_get).add();
    return found;
  }
  storage::ItemDescription describe(const DescribeRequest& request);

 private:
  CommandContext& context_;
};

}  // namespace memstripe::protocol
