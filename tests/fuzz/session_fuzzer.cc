// Fuzz targets: a whole client connection, in the text protocol (`session`), built with
// MEMSTRIPE_FUZZ_BINARY in the binary protocol (`binary_session`, replies checked by
// binary_reply_checker.h), and built with MEMSTRIPE_FUZZ_ASCII_AUTH in the text protocol
// under -Y (`ascii_auth_session`: nothing reaches the cache before the login). The input is what a client sends; it goes
// through protocol::Session over a real, small storage::Cache three times: whole, split at
// random points, and split with data blocks read straight into their items (the server's
// readv path). Every run must give well-formed, complete replies and keep the cache in its
// memory limit (session_driver.h), and the three must answer byte for byte alike: the
// session is incremental, so where the bytes were split must not matter.
//
// memcached's 2048-byte line rule once made an exception: it applies to what has arrived
// before the newline, so a run that saw a long line in part closed where one that saw it
// whole answered it. memstripe now judges the line itself (text_parser.h), and the runs
// must agree exactly.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "fuzz_check.h"
#include "session_driver.h"

namespace {

using memstripe::fuzz::SessionRun;
using memstripe::fuzz::Wire;

#if defined(MEMSTRIPE_FUZZ_BINARY)
constexpr Wire kWire = Wire::kBinary;
#elif defined(MEMSTRIPE_FUZZ_ASCII_AUTH)
constexpr Wire kWire = Wire::kTextAuthenticated;
#else
constexpr Wire kWire = Wire::kText;
#endif

void expect_same_replies(const SessionRun& whole, const SessionRun& split, const char* how) {
  // STAT values are compared by neither the digest nor the byte count: a value's digits
  // depend on when earlier replies left (stats slabs counts items they still hold).
  if (whole.digest == split.digest && whole.digested_bytes == split.digested_bytes && whole.close == split.close) {
    return;
  }
  std::size_t at = 0;
  while (at < whole.kept.size() && at < split.kept.size() && whole.kept[at] == split.kept[at]) ++at;
  std::fprintf(stderr, "replies differ %s: whole %zu bytes (close '%s'), split %zu bytes (close '%s'), first "
               "difference at byte %zu\n  whole: %.200s\n  split: %.200s\n",
               how, whole.reply_bytes, whole.close_reason.c_str(), split.reply_bytes, split.close_reason.c_str(), at,
               whole.kept.c_str() + std::min(at, whole.kept.size()), split.kept.c_str() + std::min(at, split.kept.size()));
  FUZZ_CHECK(false, "the session's replies depend on where its input was split");
}

std::uint64_t fnv1a(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace memstripe::fuzz;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::uint64_t seed = fnv1a(input);
  const SessionRun whole = run_session(input, ChunkPlan{}, kWire);
  expect_same_replies(whole, run_session(input, random_plan(size, seed, false), kWire), "split");
  expect_same_replies(whole, run_session(input, random_plan(size, seed ^ 0x5bd1e995u, true), kWire),
                      "split, values sunk");
  return 0;
}
