// The command-line switches that change what the protocol answers.
#pragma once

#include <cstdint>

namespace memstripe::protocol {

// -B: which protocols a connection may speak. memcached's auto decides on the first byte.
enum class Binding : std::uint8_t { kAuto, kAscii, kBinary };

struct ProtocolConfig {
  Binding binding = Binding::kAuto;
  bool shutdown_enabled = false;  // -A
  bool flush_enabled = true;      // -F turns flush_all off
  bool dump_enabled = true;       // -X turns stats cachedump and lru_crawler metadump off
  bool debug_clock = false;       // enables `debug_advance_clock <seconds>` for tests only
  bool sasl = false;              // -S: binary connections authenticate with SASL first
  bool ascii_auth = false;        // -Y: text connections authenticate with a token first
};

}  // namespace memstripe::protocol
