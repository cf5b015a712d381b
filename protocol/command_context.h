// What the command layer executes against: the cache, this worker's counters, the server
// around it, the switches that change what commands do, and the connection's
// authentication. One per connection, handed by reference to each command family.
#pragma once

#include "protocol/command_stats.h"
#include "protocol/protocol_config.h"
#include "protocol/sasl.h"
#include "protocol/server_context.h"
#include "storage/cache.h"

namespace memstripe::protocol {

struct CommandContext {
  storage::Cache& cache;
  CommandStats& stats;
  ServerContext& server;
  const ProtocolConfig& config;
  AuthState& auth;
};

}  // namespace memstripe::protocol
