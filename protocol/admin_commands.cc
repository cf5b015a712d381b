// Administration: flush_all, version, verbosity, shutdown, cache_memlimit, and memcached's
// tuning commands for machinery memstripe does not have (slab rebalancing, segmented LRU,
// LRU crawler, watchers), answered as memcached answers them with that machinery off.
#include <algorithm>
#include <cstdint>

#include "protocol/classic_requests.h"
#include "protocol/numbers.h"
#include "protocol/responses.h"
#include "protocol/session_core.h"
#include "protocol/version.h"

namespace memstripe::protocol {
namespace {

constexpr std::uint32_t kMaxVerbosity = 2;                    // memcached's MAX_VERBOSITY_LEVEL
constexpr std::uint32_t kMaxLruPercents = 80;                 // lru tune: hot + warm
constexpr std::uint32_t kMaxCrawlerSleepMicroseconds = 1000000;  // lru_crawler sleep
constexpr std::size_t kLruTuneTokens = 7;

}  // namespace

void SessionCore::flush_all(const Command& command, OutputQueue& out) {
  const FlushRequest request = parse_flush_request(command.tokens);
  noreply_ = request.noreply;
  stats_.cmd_flush.add();  // memcached counts refused ones too
  if (!config_.flush_enabled) {
    reply(out, reply::kFlushDisabled);
    return;
  }
  if (!request.error.empty()) {
    reply(out, request.error);
    return;
  }
  // A delay of 0 or less means now.
  cache_.flush(std::max<std::int32_t>(request.delay, 0));
  reply(out, reply::kOk);
}

void SessionCore::version(OutputQueue& out) {
  out.append(reply::kVersionPrefix);
  out.append(kMemcachedVersion);
  out.append(reply::kCrlf);
}

void SessionCore::verbosity(const Command& command, OutputQueue& out) {
  const VerbosityRequest request = parse_verbosity_request(command.tokens);
  noreply_ = request.noreply;
  if (!request.error.empty()) {
    reply(out, request.error);
    return;
  }
  server_.set_verbosity(static_cast<int>(std::min(request.level, kMaxVerbosity)));
  reply(out, reply::kOk);
}

void SessionCore::shutdown(const Command& command, OutputQueue& out) {
  if (!config_.shutdown_enabled) {
    out.append(reply::kShutdownDisabled);
    return;
  }
  const std::size_t ntokens = command.tokens.ntokens();
  if (ntokens == 2) {
    server_.request_shutdown();
  } else if (ntokens == 3 && command.tokens[1] == "graceful") {
    server_.request_graceful_shutdown();
  } else {
    out.append(reply::kInvalidShutdownMode);
    return;
  }
  // memcached closes the asking connection without a reply.
  request_close(Session::Close::kNow, "shutdown");
}

void SessionCore::cache_memlimit(const Command& command, OutputQueue& out) {
  const MemlimitRequest request = parse_memlimit_request(command.tokens);
  noreply_ = request.noreply;
  if (!request.error.empty()) {
    reply(out, request.error);
    return;
  }
  const std::size_t bytes = std::size_t{request.megabytes} << 20;
  if (bytes > storage::kMaxMemoryLimit) {
    reply(out, reply::kMemlimitOutOfBounds);
    return;
  }
  cache_.set_memory_limit(bytes);
  reply(out, reply::kOk);
}

void SessionCore::slabs(const Command& command, OutputQueue& out) {
  const Tokens& t = command.tokens;
  const std::size_t ntokens = t.ntokens();
  if (ntokens == 5 && t[1] == "reassign") {
    // memstripe's pools rebalance pages by themselves; there is nothing to reassign by hand.
    out.append(reply::kSlabReassignDisabled);
    return;
  }
  if (ntokens < 4 || t[1] != "automove") {
    out.append(reply::kError);
    return;
  }
  // Accepted and checked as memcached checks it; memstripe's rebalancing is always on.
  noreply_ = has_noreply(t);
  if (t[2] == "ratio") {
    double ratio = 0;
    reply(out, ntokens >= 5 && safe_strtod(t[3], ratio) ? reply::kOk : reply::kError);
    return;
  }
  std::uint32_t level = 0;
  if (!safe_strtoul(t[2], level)) {
    reply(out, reply::kBadCommandLineFormat);
    return;
  }
  reply(out, level <= 2 ? reply::kOk : reply::kError);
}

void SessionCore::lru(const Command& command, OutputQueue& out) {
  const Tokens& t = command.tokens;
  noreply_ = has_noreply(t);
  // `lru mode` and `lru temp_ttl` need memcached's LRU maintainer, which memstripe does not
  // have (it evicts with CLOCK); memcached without it answers ERROR, as here.
  if (t[1] != "tune" || t.ntokens() < kLruTuneTokens) {
    reply(out, reply::kError);
    return;
  }
  std::uint32_t hot_percent = 0;
  std::uint32_t warm_percent = 0;
  double hot_factor = 0;
  double warm_factor = 0;
  if (!safe_strtoul(t[2], hot_percent) || !safe_strtoul(t[3], warm_percent) ||
      !safe_strtod(t[4], hot_factor) || !safe_strtod(t[5], warm_factor)) {
    reply(out, reply::kError);
  } else if (static_cast<std::uint32_t>(hot_percent + warm_percent) > kMaxLruPercents) {
    reply(out, reply::kLruPercentsTooLarge);
  } else if (warm_factor <= 0 || hot_factor <= 0) {
    reply(out, reply::kLruFactorsNotPositive);
  } else {
    reply(out, reply::kOk);  // accepted; CLOCK eviction has no segments to tune
  }
}

void SessionCore::lru_crawler(const Command& command, OutputQueue& out) {
  const Tokens& t = command.tokens;
  const std::size_t ntokens = t.ntokens();
  const std::string_view sub = t[1];
  if (ntokens == 4 && sub == "crawl") {
    // memstripe reclaims expired items with a timer-driven sweep, not a crawler.
    out.append(reply::kCrawlerDisabled);
  } else if (ntokens == 4 && sub == "metadump") {
    if (!config_.dump_enabled) {
      out.append(reply::kMetadumpDisabled);
    } else {
      lru_crawler_metadump(t[2], out);
    }
  } else if (ntokens == 4 && (sub == "tocrawl" || sub == "sleep")) {
    std::uint32_t value = 0;
    if (!safe_strtoul(t[2], value)) {
      out.append(reply::kBadCommandLineFormat);
    } else if (sub == "sleep" && value > kMaxCrawlerSleepMicroseconds) {
      out.append(reply::kCrawlerSleepTooLong);
    } else {
      out.append(reply::kOk);
    }
  } else if (ntokens == 3 && (sub == "enable" || sub == "disable")) {
    out.append(reply::kOk);
  } else {
    out.append(reply::kError);
  }
}

void SessionCore::watch(const Command& command, OutputQueue& out) {
  noreply_ = has_noreply(command.tokens);
  reply(out, reply::kWatchDisabled);
}

void SessionCore::debug_advance_clock(const Command& command, OutputQueue& out) {
  std::uint32_t seconds = 0;
  if (!safe_strtoul(command.tokens[1], seconds)) {
    out.append(reply::kBadCommandLineFormat);
    return;
  }
  cache_.clock().advance(seconds);
  out.append(reply::kOk);
}

}  // namespace memstripe::protocol
