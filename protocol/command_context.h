// What the command layer executes against: the cache, this worker's counters, the server
// around it and the switches that change what commands do. One per connection, handed by
// reference to each command family.
#pragma once

#include "protocol/command_stats.h"
#include "protocol/protocol_config.h"
#include "protocol/server_context.h"
#include "storage/cache.h"

namespace memstripe::protocol {

struct CommandContext {
  storage::Cache& cache;
  CommandStats& stats;
  ServerContext& server;
  const ProtocolConfig& config;
};

}  // namespace memstripe::protocol
