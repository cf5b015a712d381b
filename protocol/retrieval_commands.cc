#include "protocol/retrieval_commands.h"

namespace memstripe::protocol {

storage::ReadResult RetrievalCommands::get(std::string_view key, const storage::ReadOptions& options) {
  storage::ReadResult found = context_.cache.read(key, options);
  // gat and gats count as touches, not gets; an mg counts a miss as a get, with T or
  // without (memcached's counting).
  const bool counts_as_touch = options.touch && (found.item || !options.meta);
  (counts_as_touch ? context_.stats.cmd_touch : context_.stats.cmd_get).add();
  return found;
}

storage::ItemDescription RetrievalCommands::describe(const DescribeRequest& request) {
  storage::ItemDescription found = context_.cache.describe(request.key);
  context_.stats.cmd_meta.add();
  return found;
}

}  // namespace memstripe::protocol
