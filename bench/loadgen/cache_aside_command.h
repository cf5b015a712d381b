// memstripe-bench's cache-aside mode from start to end: the request source (the synthetic
// stream or a trace), the run, the report. main() hands over to it.
#pragma once

#include "client/endpoint.h"
#include "options.h"

namespace loadgen {

// The process's exit code: 0, 1 when it could not run (no server, an unreadable trace),
// 3 when it ran and counted errors.
int run_cache_aside(const Options& options, const client::SocketAddress& address);

}  // namespace loadgen
