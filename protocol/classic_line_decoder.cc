// The classic commands as requests. memcached's tuning commands for machinery memstripe
// does not have (slab rebalancing, the segmented LRU, the LRU crawler, watchers) are
// checked as memcached checks them and answered here, as memcached answers them with that
// machinery off: they have nothing to execute.
#include <cstdint>

#include "protocol/classic_requests.h"
#include "protocol/line_decoders.h"
#include "protocol/numbers.h"
#include "protocol/responses.h"

namespace memstripe::protocol {
namespace {

constexpr std::uint32_t kMaxLruPercents = 80;                    // lru tune: hot + warm
constexpr std::uint32_t kMaxCrawlerSleepMicroseconds = 1000000;  // lru_crawler sleep
constexpr std::size_t kLruTuneTokens = 7;

using storage::StoreMode;

LineOutcome answered(TextRequest& request, std::string_view reply) {
  request.command.emplace<NoRequest>();
  request.reply = reply;
  return {};
}

LineOutcome retrieval(const Command& command, TextRequest& request, bool with_cas, bool touch) {
  const RetrievalArgs parsed = parse_retrieval_request(command.tokens, command.line, touch);
  if (!parsed.error.empty()) return answered(request, parsed.error);
  // memcached answers a multi-get with a key over 250 bytes with only the error, whatever
  // came before it; checking first spares building replies to throw away.
  if (!keys_fit(parsed.keys)) return answered(request, reply::kBadCommandLineFormat);
  GetRequest& get = request.command.emplace<GetRequest>();
  get.keys = KeyList::words(parsed.keys);
  get.options.touch = touch;
  get.options.touch_exptime = parsed.exptime;
  request.with_cas = with_cas;
  return {};
}

LineOutcome store(const Command& command, StoreMode mode, TextRequest& request, PendingStoreReply& store_reply) {
  const StorageArgs parsed = parse_storage_request(command.tokens, mode == StoreMode::kCas);
  request.noreply = parsed.noreply;
  // The data block that follows is not skipped: memcached reads it as a command line.
  if (!parsed.error.empty()) return answered(request, parsed.error);
  StoreRequest& s = request.command.emplace<StoreRequest>();
  s.key = parsed.key;
  s.flags = parsed.flags;
  s.exptime = parsed.exptime;
  s.value_length = parsed.length;
  s.mode = mode;
  s.options.compare_cas = parsed.cas;
  s.alloc.drop_old_if_refused = mode == StoreMode::kSet;
  store_reply = PendingStoreReply{};
  store_reply.noreply = parsed.noreply;
  return LineOutcome::store();
}

LineOutcome remove(const Command& command, TextRequest& request) {
  const DeleteArgs parsed = parse_delete_request(command.tokens);
  request.noreply = parsed.noreply;
  if (!parsed.error.empty()) return answered(request, parsed.error);
  request.command = RemoveRequest{parsed.key, {}};
  return {};
}

LineOutcome arithmetic(const Command& command, bool increment, TextRequest& request) {
  const ArithmeticArgs parsed = parse_arithmetic_request(command.tokens);
  request.noreply = parsed.noreply;
  if (!parsed.error.empty()) return answered(request, parsed.error);
  ArithmeticRequest a;
  a.key = parsed.key;
  a.options.increment = increment;
  a.options.delta = parsed.delta;
  request.command = a;
  return {};
}

LineOutcome touch(const Command& command, TextRequest& request) {
  const TouchArgs parsed = parse_touch_request(command.tokens);
  request.noreply = parsed.noreply;
  if (!parsed.error.empty()) return answered(request, parsed.error);
  request.command = TouchRequest{parsed.key, parsed.exptime};
  return {};
}

LineOutcome stats(const Command& command, TextRequest& request) {
  const Tokens& t = command.tokens;
  StatsRequest s;
  if (t.ntokens() == 2) {
    request.command = s;
    return {};
  }
  const std::string_view sub = t[1];
  if (sub == "cachedump") {
    DumpRequest dump;
    if (t.ntokens() < 5) {
      dump.unreadable = reply::kBadCommandLine;
    } else if (!safe_strtoul(t[2], dump.class_id) || !safe_strtoul(t[3], dump.limit)) {
      dump.unreadable = reply::kBadCommandLineFormat;
    }
    request.command = dump;
    return {};
  }
  if (sub == "reset") {
    s.group = StatsGroup::kReset;
  } else if (sub == "detail") {
    const std::string_view what = t.ntokens() < 4 ? std::string_view{} : t[2];
    s.group = what == "on" || what == "off" ? StatsGroup::kDetailOn
              : what == "dump"              ? StatsGroup::kDetailDump
                                            : StatsGroup::kDetailUsage;
  } else if (sub == "settings") {
    s.group = StatsGroup::kSettings;
  } else if (sub == "conns") {
    s.group = StatsGroup::kConns;
  } else if (sub == "items") {
    s.group = StatsGroup::kItems;
  } else if (sub == "slabs") {
    s.group = StatsGroup::kSlabs;
  } else if (sub == "sizes" || sub == "sizes_disable") {
    s.group = StatsGroup::kSizes;
  } else if (sub == "sizes_enable") {
    s.group = StatsGroup::kSizesEnable;
  } else {
    s.group = StatsGroup::kUnknown;
  }
  request.command = s;
  return {};
}

LineOutcome flush_all(const Command& command, TextRequest& request) {
  const FlushArgs parsed = parse_flush_request(command.tokens);
  request.noreply = parsed.noreply;
  request.command = FlushRequest{parsed.delay, parsed.error.empty()};
  return {};
}

LineOutcome verbosity(const Command& command, TextRequest& request) {
  const VerbosityArgs parsed = parse_verbosity_request(command.tokens);
  request.noreply = parsed.noreply;
  if (!parsed.error.empty()) return answered(request, parsed.error);
  request.command = VerbosityRequest{parsed.level};
  return {};
}

LineOutcome shutdown(const Command& command, TextRequest& request) {
  const std::size_t ntokens = command.tokens.ntokens();
  ShutdownRequest s;
  s.graceful = ntokens == 3 && command.tokens[1] == "graceful";
  s.mode_readable = ntokens == 2 || s.graceful;
  request.command = s;
  return {};
}

LineOutcome cache_memlimit(const Command& command, TextRequest& request) {
  const MemlimitArgs parsed = parse_memlimit_request(command.tokens);
  request.noreply = parsed.noreply;
  if (!parsed.error.empty()) return answered(request, parsed.error);
  request.command = MemlimitRequest{parsed.megabytes};
  return {};
}

LineOutcome slabs(const Command& command, TextRequest& request) {
  const Tokens& t = command.tokens;
  const std::size_t ntokens = t.ntokens();
  // memstripe's pools rebalance pages by themselves; there is nothing to reassign by hand.
  if (ntokens == 5 && t[1] == "reassign") return answered(request, reply::kSlabReassignDisabled);
  if (ntokens < 4 || t[1] != "automove") return answered(request, reply::kError);
  // Accepted and checked as memcached checks it; memstripe's rebalancing is always on.
  request.noreply = has_noreply(t);
  if (t[2] == "ratio") {
    double ratio = 0;
    return answered(request, ntokens >= 5 && safe_strtod(t[3], ratio) ? reply::kOk : reply::kError);
  }
  std::uint32_t level = 0;
  if (!safe_strtoul(t[2], level)) return answered(request, reply::kBadCommandLineFormat);
  return answered(request, level <= 2 ? reply::kOk : reply::kError);
}

LineOutcome lru(const Command& command, TextRequest& request) {
  const Tokens& t = command.tokens;
  request.noreply = has_noreply(t);
  // `lru mode` and `lru temp_ttl` need memcached's segmented LRU, which memstripe does not
  // have; memcached without it answers ERROR, as here.
  if (t[1] != "tune" || t.ntokens() < kLruTuneTokens) return answered(request, reply::kError);
  std::uint32_t hot_percent = 0;
  std::uint32_t warm_percent = 0;
  double hot_factor = 0;
  double warm_factor = 0;
  if (!safe_strtoul(t[2], hot_percent) || !safe_strtoul(t[3], warm_percent) || !safe_strtod(t[4], hot_factor) ||
      !safe_strtod(t[5], warm_factor)) {
    return answered(request, reply::kError);
  }
  if (static_cast<std::uint32_t>(hot_percent + warm_percent) > kMaxLruPercents) {
    return answered(request, reply::kLruPercentsTooLarge);
  }
  if (warm_factor <= 0 || hot_factor <= 0) return answered(request, reply::kLruFactorsNotPositive);
  return answered(request, reply::kOk);  // accepted; memstripe's eviction has no segments to tune
}

LineOutcome lru_crawler(const Command& command, TextRequest& request) {
  const Tokens& t = command.tokens;
  const std::size_t ntokens = t.ntokens();
  const std::string_view sub = t[1];
  // memstripe reclaims expired items with a timer-driven sweep, not a crawler.
  if (ntokens == 4 && sub == "crawl") return answered(request, reply::kCrawlerDisabled);
  if (ntokens == 4 && sub == "metadump") {
    DumpRequest dump;
    dump.format = DumpRequest::Format::kMetadump;
    dump.classes = t[2];
    request.command = dump;
    return {};
  }
  if (ntokens == 4 && (sub == "tocrawl" || sub == "sleep")) {
    std::uint32_t value = 0;
    if (!safe_strtoul(t[2], value)) return answered(request, reply::kBadCommandLineFormat);
    if (sub == "sleep" && value > kMaxCrawlerSleepMicroseconds) return answered(request, reply::kCrawlerSleepTooLong);
    return answered(request, reply::kOk);
  }
  if (ntokens == 3 && (sub == "enable" || sub == "disable")) return answered(request, reply::kOk);
  return answered(request, reply::kError);
}

LineOutcome debug_advance_clock(const Command& command, TextRequest& request) {
  std::uint32_t seconds = 0;
  if (!safe_strtoul(command.tokens[1], seconds)) return answered(request, reply::kBadCommandLineFormat);
  request.command = AdvanceClockRequest{seconds};
  return {};
}

}  // namespace

LineOutcome decode_classic_line(const Command& command, TextRequest& request, PendingStoreReply& store_reply) {
  switch (command.code) {
    case CommandCode::kError: return answered(request, reply::kError);
    case CommandCode::kHttp: return LineOutcome::close("HTTP request");
    case CommandCode::kGet: return retrieval(command, request, false, false);
    case CommandCode::kGets: return retrieval(command, request, true, false);
    case CommandCode::kGat: return retrieval(command, request, false, true);
    case CommandCode::kGats: return retrieval(command, request, true, true);
    case CommandCode::kSet: return store(command, StoreMode::kSet, request, store_reply);
    case CommandCode::kAdd: return store(command, StoreMode::kAdd, request, store_reply);
    case CommandCode::kReplace: return store(command, StoreMode::kReplace, request, store_reply);
    case CommandCode::kAppend: return store(command, StoreMode::kAppend, request, store_reply);
    case CommandCode::kPrepend: return store(command, StoreMode::kPrepend, request, store_reply);
    case CommandCode::kCas: return store(command, StoreMode::kCas, request, store_reply);
    case CommandCode::kDelete: return remove(command, request);
    case CommandCode::kIncr: return arithmetic(command, true, request);
    case CommandCode::kDecr: return arithmetic(command, false, request);
    case CommandCode::kTouch: return touch(command, request);
    case CommandCode::kStats: return stats(command, request);
    case CommandCode::kFlushAll: return flush_all(command, request);
    case CommandCode::kVersion: request.command = VersionRequest{}; return {};
    case CommandCode::kQuit: request.command = QuitRequest{}; return {};
    case CommandCode::kVerbosity: return verbosity(command, request);
    case CommandCode::kShutdown: return shutdown(command, request);
    case CommandCode::kCacheMemlimit: return cache_memlimit(command, request);
    case CommandCode::kSlabs: return slabs(command, request);
    case CommandCode::kLru: return lru(command, request);
    case CommandCode::kLruCrawler: return lru_crawler(command, request);
    case CommandCode::kWatch:
      request.noreply = has_noreply(command.tokens);
      return answered(request, reply::kWatchDisabled);
    case CommandCode::kDebugAdvanceClock: return debug_advance_clock(command, request);
    case CommandCode::kRefreshCerts:
      // memcached looks at no argument but a last `noreply`.
      request.noreply = has_noreply(command.tokens);
      request.command = RefreshCertsRequest{};
      return {};
    case CommandCode::kMetaGet:
    case CommandCode::kMetaSet:
    case CommandCode::kMetaDelete:
    case CommandCode::kMetaArithmetic:
    case CommandCode::kMetaNoop:
    case CommandCode::kMetaDebug: break;  // decode_meta_line()
  }
  return answered(request, reply::kError);
}

}  // namespace memstripe::protocol
