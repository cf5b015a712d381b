// memstripe's settings, from memcached 1.6's command line and a Debian-style config file.
// Pure code: parsing reads strings and returns values or an error; it opens no sockets and
// exits nothing, so every rule here is unit-tested (tests/server/options_test.cc).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/protocol_config.h"
#include "storage/cache_types.h"
#include "server/tls_options.h"

namespace memstripe::server {

// The defaults, each written once.
inline constexpr int kDefaultPort = 11211;
inline constexpr const char* kDefaultListenAddress = "127.0.0.1";
inline constexpr unsigned kDefaultUnixMask = 0700;
inline constexpr std::size_t kDefaultMemoryLimitMb = 64;
inline constexpr std::size_t kDefaultMaxConnections = 1024;
inline constexpr unsigned kDefaultThreads = 4;
inline constexpr unsigned kDefaultRequestsPerEvent = 20;
inline constexpr int kDefaultBacklog = 1024;
// memcached warns above this many threads; more is allowed.
inline constexpr unsigned kThreadsWarningAbove = 64;
// memcached's -I ceiling ("Cannot set item size limit higher than a gigabyte").
inline constexpr std::size_t kMaxItemSizeMax = std::size_t{1} << 30;
inline constexpr unsigned kMaxShards = 1u << 16;

// Exit status for a bad command line or config file (sysexits.h EX_USAGE, as memcached
// uses for its -I errors).
inline constexpr int kExitUsage = 64;

// One -l entry: a host (name or address literal) and, when given as `host:port` or
// `[v6]:port`, its own port. With -Z, an entry written `notls:<host>...` is served in
// plaintext (memcached's prefix).
struct ListenAddress {
  std::string host;
  std::optional<int> port;
  bool notls = false;
  bool operator==(const ListenAddress&) const = default;
};

struct ServerOptions {
  // Network. port: -1 picks an ephemeral port; 0 turns TCP off.
  int port = kDefaultPort;
  bool port_given = false;
  std::vector<ListenAddress> listen{{kDefaultListenAddress, std::nullopt, false}};
  std::string listen_text = kDefaultListenAddress;  // -l as given, for `stats settings`
  bool listen_given = false;
  std::string unix_socket;
  unsigned unix_mask = kDefaultUnixMask;
  int backlog = kDefaultBacklog;

  // Cache.
  std::size_t memory_limit_mb = kDefaultMemoryLimitMb;
  std::size_t item_size_max = 1024 * 1024;
  bool evict_when_full = true;  // -M clears
  bool use_cas = true;          // -C clears
  unsigned shards = 0;          // --shards; 0 picks shard_count()
  unsigned hashpower = 0;       // -o hashpower: accepted, reported, otherwise unused

  // Connections and threads.
  std::size_t max_connections = kDefaultMaxConnections;
  unsigned threads = kDefaultThreads;
  unsigned requests_per_event = kDefaultRequestsPerEvent;
  unsigned idle_timeout = 0;  // seconds; 0: never

  // Process.
  bool daemonize = false;
  std::string pid_file;
  std::string user;
  bool lock_memory = false;  // -k
  bool enable_coredumps = false;  // -r
  int verbosity = 0;
  std::string log_file;  // `logfile` in the config file, or --logfile
  bool syslog = false;   // --syslog
  std::string config_file;

  // Protocol.
  protocol::Binding binding = protocol::Binding::kAuto;  // -B
  bool binding_given = false;
  bool sasl = false;  // -S
  std::string auth_file;  // -Y
  std::string memory_file;  // -e
  bool shutdown_enabled = false;  // -A
  bool flush_enabled = true;      // -F clears
  bool dump_enabled = true;       // -X clears
  bool debug_clock = false;       // -o debug_clock (tests only)
  bool fast_maintenance = true;   // -o no_lru_maintainer clears: upkeep once a second only
  storage::EvictionPolicy eviction = storage::EvictionPolicy::kClock;  // -o eviction=clock|s3fifo
  TlsOptions tls;                 // -Z, -o ssl_*

  // Asked to print and exit.
  bool help = false;
  bool version = false;

  // Warnings found while parsing (not errors): the caller logs them.
  std::vector<std::string> warnings;

  // memcached: `-s` alone serves only the socket; memstripe serves both when -p or -l is
  // also given explicitly. `-p 0` turns TCP off either way.
  bool serves_tcp() const noexcept {
    return port != 0 && (unix_socket.empty() || port_given || listen_given);
  }
  bool serves_unix() const noexcept { return !unix_socket.empty(); }
  // --shards, else max(16, 4 x threads), rounded up to a power of two.
  unsigned shard_count() const noexcept;
  std::size_t memory_limit_bytes() const noexcept { return memory_limit_mb << 20; }
};

// Either options or the message to print (already naming the flag or the line).
struct ParseResult {
  ServerOptions options;
  std::string error;
  bool ok() const noexcept { return error.empty(); }
};

// Applies command-line arguments (argv without the program name) on top of `base`.
// Within one source a repeated -l adds an address and each -v adds a level; a -l or -v
// from a later source (the command line over the config file) replaces the earlier one.
ParseResult parse_arguments(const std::vector<std::string>& args, ServerOptions base = {});

// The text of a Debian-style config file (see config_file.h) applied on top of `base`.
// `name` is used in messages ("memstripe.conf:7: ...").
ParseResult parse_config_text(std::string_view text, std::string_view name,
                              ServerOptions base = {});

// The whole startup: --config FILE (read with `read_file`, which returns nullopt when it
// cannot) first, then every other argument over it; finally the cross-checks (-I against
// -m, ...). The one entry point main() uses.
using FileReader = std::optional<std::string> (*)(const std::string& path);
ParseResult load_options(const std::vector<std::string>& args, FileReader read_file);

// Checks the settings against each other once everything is applied.
std::string validate(ServerOptions& options);

// A -I value: a number of bytes with an optional k or m suffix (memcached's forms).
std::optional<std::size_t> parse_size(std::string_view text);

// -l's list: comma-separated `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6
// literal, each optionally prefixed `notls:`. nullopt when an entry is malformed.
std::optional<std::vector<ListenAddress>> parse_listen_list(std::string_view text);

std::string usage_text();
std::string version_text();

}  // namespace memstripe::server
