#include "protocol/retrieval_commands.h"

namespace memstripe::protocol {

storage::ItemDescription RetrievalCommands::describe(const DescribeRequest& request) {
  storage::ItemDescription found = context_.cache.describe(request.key);
  context_.stats.cmd_meta.add();
  return found;
}

}  // namespace memstripe::protocol
