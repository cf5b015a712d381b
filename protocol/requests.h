// The requests the command layer executes, in no wire format: what each decoder makes of
// the bytes it reads (a classic line, a meta line, a binary frame) and the command
// families take (retrieval_commands.h, storage_commands.h, key_commands.h,
// admin_commands.h, stats_commands.h). Keys and other text are views into the decoder's
// input and stay valid while the request runs.
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

#include "protocol/tokenizer.h"
#include "storage/cache.h"

namespace memstripe::protocol {

// The keys a retrieval names: one, or the space-separated keys of a text multi-get (which
// memcached reads from the line without a limit on their number).
class KeyList {
 public:
  static KeyList one(std::string_view key) noexcept { return KeyList(key, true); }
  static KeyList words(std::string_view text) noexcept { return KeyList(text, false); }

  // The next key; false at the end.
  bool next(std::string_view& key) noexcept {
    if (!single_) return words_.next(key);
    if (single_taken_) return false;
    single_taken_ = true;
    key = single_key_;
    return true;
  }

 private:
  KeyList(std::string_view text, bool single) noexcept
      : words_(single ? std::string_view{} : text), single_key_(single ? text : std::string_view{}), single_(single) {}
  WordCursor words_;
  std::string_view single_key_;
  bool single_;
  bool single_taken_ = false;
};

// get, gets, gat, gats (touch in `options`), mg.
struct GetRequest {
  KeyList keys = KeyList::words({});
  storage::ReadOptions options;
};

// touch <key> <exptime>.
struct TouchRequest {
  std::string_view key;
  std::int32_t exptime = 0;
};

// me: an item looked at without touching it.
struct DescribeRequest {
  std::string_view key;
};

// set, add, replace, append, prepend, cas, ms: the header of a store, whose value arrives
// after it (the decoder reads it straight into the item the command layer allocates).
struct StoreRequest {
  std::string_view key;
  std::uint32_t flags = 0;
  // Signed as the text protocol reads it (negative: already expired); the binary
  // protocol's is an unsigned 32-bit number.
  std::int64_t exptime = 0;
  std::uint32_t value_length = 0;
  storage::StoreMode mode = storage::StoreMode::kSet;
  storage::StoreOptions options;
  storage::AllocOptions alloc;
};

// delete, md.
struct RemoveRequest {
  std::string_view key;
  storage::RemoveOptions options;
};

// incr, decr, ma.
struct ArithmeticRequest {
  std::string_view key;
  storage::ArithOptions options;
};

// flush_all [delay]: 0 or less means now. memcached refuses a disabled flush_all (-F)
// before it looks at the delay, so a delay it cannot read is the command layer's to answer.
struct FlushRequest {
  std::int64_t delay = 0;
  bool delay_readable = true;
};

struct VersionRequest {};
struct NoopRequest {};   // mn
struct QuitRequest {};

struct VerbosityRequest {
  std::uint32_t level = 0;
};

// shutdown [graceful]. Like flush_all, a disabled shutdown (no -A) is refused before its
// mode is looked at.
struct ShutdownRequest {
  bool graceful = false;
  bool mode_readable = true;
};

// cache_memlimit <megabytes>.
struct MemlimitRequest {
  std::uint32_t megabytes = 0;
};

// refresh_certs [noreply]: TLS's certificate and key, read again.
struct RefreshCertsRequest {};

// memstripe's test hook: debug_advance_clock <seconds>.
struct AdvanceClockRequest {
  std::uint32_t seconds = 0;
};

enum class StatsGroup : std::uint8_t {
  kGeneral,
  kSettings,
  kItems,
  kSlabs,
  kConns,
  kSizes,        // sizes and sizes_disable: memstripe keeps no histogram
  kSizesEnable,
  kReset,
  kDetailOn,     // stats detail on|off
  kDetailDump,
  kDetailUsage,  // stats detail with anything else
  kUnknown,
};

struct StatsRequest {
  StatsGroup group = StatsGroup::kGeneral;
};

// stats cachedump <class> <limit>, lru_crawler metadump <classes>: every item of some
// size classes, as text lines.
struct DumpRequest {
  enum class Format : std::uint8_t { kCachedump, kMetadump };
  Format format = Format::kCachedump;
  std::uint32_t class_id = 0;   // cachedump
  std::uint32_t limit = 0;      // cachedump: 0 is no limit
  std::string_view classes;     // metadump: "all", "hash" or ids separated by commas
  // cachedump: the decoder's error for arguments it could not read, answered only once
  // -X has been checked (memcached's order); empty when they were fine.
  std::string_view unreadable;
};

// SASL (binary protocol): the mechanisms on offer; an exchange's first or next step.
struct SaslListRequest {};
struct SaslAuthRequest {
  bool step = false;  // SASL_STEP, else SASL_AUTH
  std::string_view mechanism;
  std::string_view data;
};

// -Y: the text protocol's authentication, the value of its `set` read as "user password".
struct AsciiAuthRequest {
  std::string_view user;
  std::string_view password;
};

// A request the decoder answered itself (an error, or a tuning command memstripe accepts
// and has nothing to do for): nothing to execute.
struct NoRequest {};

using Request = std::variant<NoRequest, GetRequest, TouchRequest, DescribeRequest, StoreRequest, RemoveRequest,
                             ArithmeticRequest, FlushRequest, VersionRequest, NoopRequest, QuitRequest,
                             VerbosityRequest, ShutdownRequest, MemlimitRequest, AdvanceClockRequest, StatsRequest,
                             DumpRequest, SaslListRequest, SaslAuthRequest, AsciiAuthRequest, RefreshCertsRequest>;

// What a connection may ask before it has authenticated: nothing that reaches the cache.
inline bool allowed_before_authentication(const Request& request) noexcept {
  return std::holds_alternative<VersionRequest>(request) || std::holds_alternative<SaslListRequest>(request) ||
         std::holds_alternative<SaslAuthRequest>(request) || std::holds_alternative<AsciiAuthRequest>(request) ||
         std::holds_alternative<NoRequest>(request);
}

}  // namespace memstripe::protocol
