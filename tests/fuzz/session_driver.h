// Runs bytes through a protocol::Session the way the server does, over a fresh small
// storage::Cache whose clock only moves when told, and reports what the client received.
// The bytes arrive in chunks of given sizes; with `use_value_sink`, a data block's bytes
// go straight into the item through value_sink()/value_received(), as the server's readv
// does, and everything else through process().
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/session.h"

namespace memstripe::fuzz {

// The protocol a run speaks: the session is bound to it (memcached's -B), and the replies
// are checked as that protocol's. kTextAuthenticated is the text protocol under -Y, where
// the one login that succeeds is `set <key> <flags> <exptime> <bytes>` with the value
// "fuzz secret" (kFuzzUser, kFuzzPassword): until it has succeeded, nothing may reach the
// cache (no item stored, no command counted).
enum class Wire : std::uint8_t { kText, kBinary, kTextAuthenticated };
inline constexpr std::string_view kFuzzUser = "fuzz";
inline constexpr std::string_view kFuzzPassword = "secret";

struct ChunkPlan {
  std::vector<std::size_t> sizes;  // empty: the whole input at once
  bool use_value_sink = false;
};

// Chunk sizes for `input_size` bytes drawn from `seed`: mostly short, sometimes one byte,
// sometimes a few KiB, so that splits land inside lines, keys, numbers and data blocks.
ChunkPlan random_plan(std::size_t input_size, std::uint64_t seed, bool use_value_sink);

struct SessionRun {
  std::uint64_t digest = 0;       // of the replies (ReplyChecker::digest)
  std::size_t reply_bytes = 0;
  std::size_t digested_bytes = 0;  // reply_bytes without STAT values (ReplyChecker)
  std::size_t replies = 0;
  std::string kept;               // the replies while short enough (ReplyChecker::kept)
  bool kept_all = true;
  std::size_t consumed = 0;       // input bytes the session took
  protocol::Session::Close close = protocol::Session::Close::kNo;
  std::string close_reason;
};

// The cache every run starts with: small, so that eviction and "out of memory" are near.
inline constexpr std::size_t kFuzzMemoryLimit = 2u << 20;
inline constexpr std::size_t kFuzzItemSizeMax = 512u << 10;

// Feeds `input` as `plan` says; checks on the way that every reply is well-formed and
// complete after each process() call, that the session never claims more bytes than it
// was given, and that the cache stays within its memory limit. A broken invariant aborts
// (FUZZ_CHECK) with the reason.
SessionRun run_session(std::string_view input, const ChunkPlan& plan, Wire wire = Wire::kText);

}  // namespace memstripe::fuzz
