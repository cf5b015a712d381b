// The command-line switches that change what the protocol answers.
#pragma once

namespace memstripe::protocol {

struct ProtocolConfig {
  bool shutdown_enabled = false;  // -A
  bool flush_enabled = true;      // -F turns flush_all off
  bool dump_enabled = true;       // -X turns stats cachedump and lru_crawler metadump off
  bool debug_clock = false;       // enables `debug_advance_clock <seconds>` for tests only
};

}  // namespace memstripe::protocol
