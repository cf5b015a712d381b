#include "protocol/admin_commands.h"

#include <algorithm>
#include <cstddef>

#include "protocol/version.h"

namespace memstripe::protocol {
namespace {

constexpr std::uint32_t kMaxVerbosity = 2;  // memcached's MAX_VERBOSITY_LEVEL

}  // namespace

AdminStatus AdminCommands::flush(const FlushRequest& request) {
  context_.stats.cmd_flush.add();  // memcached counts refused ones too
  if (!context_.config.flush_enabled) return AdminStatus::kDisabled;
  if (!request.delay_readable) return AdminStatus::kBadArgument;
  context_.cache.flush(std::max<std::int64_t>(request.delay, 0));
  return AdminStatus::kDone;
}

std::string_view AdminCommands::version() const noexcept { return kMemcachedVersion; }

void AdminCommands::verbosity(const VerbosityRequest& request) {
  context_.server.set_verbosity(static_cast<int>(std::min(request.level, kMaxVerbosity)));
}

AdminStatus AdminCommands::shutdown(const ShutdownRequest& request) {
  if (!context_.config.shutdown_enabled) return AdminStatus::kDisabled;
  if (!request.mode_readable) return AdminStatus::kBadArgument;
  if (request.graceful) {
    context_.server.request_graceful_shutdown();
  } else {
    context_.server.request_shutdown();
  }
  return AdminStatus::kDone;
}

AdminStatus AdminCommands::set_memory_limit(const MemlimitRequest& request) {
  const std::size_t bytes = std::size_t{request.megabytes} << 20;
  if (bytes > storage::kMaxMemoryLimit) return AdminStatus::kOutOfBounds;
  context_.cache.set_memory_limit(bytes);
  return AdminStatus::kDone;
}

void AdminCommands::advance_clock(const AdvanceClockRequest& request) {
  context_.cache.clock().advance(request.seconds);
}

}  // namespace memstripe::protocol
