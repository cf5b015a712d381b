// Administration: flush_all, version, verbosity, shutdown, cache_memlimit, refresh_certs and memstripe's
// debug clock. (memcached's tuning commands for machinery memstripe does not have, such as
// `lru tune` or `slabs automove`, are checked and answered by the decoder: there is
// nothing to execute.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/command_context.h"
#include "protocol/requests.h"

namespace memstripe::protocol {

enum class AdminStatus : std::uint8_t {
  kDone,
  kDisabled,     // flush_all under -F, shutdown without -A
  kBadArgument,  // flush_all's delay, shutdown's mode could not be read
  kOutOfBounds,  // cache_memlimit past memstripe's limit
};

class AdminCommands {
 public:
  explicit AdminCommands(CommandContext& context) noexcept : context_(context) {}

  AdminStatus flush(const FlushRequest& request);
  // The protocol version memstripe speaks (memcached's).
  std::string_view version() const noexcept;
  void verbosity(const VerbosityRequest& request);
  // kDone: the server stops; the connection that asked is closed without a reply.
  AdminStatus shutdown(const ShutdownRequest& request);
  AdminStatus set_memory_limit(const MemlimitRequest& request);
  void advance_clock(const AdvanceClockRequest& request);
  // "" once the server reloaded its TLS certificate and key, else why it could not.
  std::string refresh_certificates() { return context_.server.refresh_certificates(); }

 private:
  CommandContext& context_;
};

}  // namespace memstripe::protocol
