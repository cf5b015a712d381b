#include "protocol/stats_commands.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "protocol/numbers.h"
#include "protocol/version.h"

namespace memstripe::protocol {
namespace {

// memcached's MAX_NUMBER_OF_SLAB_CLASSES: `stats cachedump` refuses ids from here on
// (memstripe has more classes: ids it has are accepted).
constexpr std::uint32_t kMemcachedClassLimit = 64;
// Above any class memstripe has (its size classes stay well under this).
constexpr std::uint32_t kMaxClassId = 256;

// "<seconds>.<microseconds, 6 digits>", memcached's rusage format.
std::string_view format_timeval(const timeval& tv, char (&buf)[48]) {
  char* p = std::to_chars(buf, buf + 24, static_cast<long long>(tv.tv_sec)).ptr;
  *p++ = '.';
  char micro[8];
  const char* end = std::to_chars(micro, micro + sizeof micro, static_cast<long long>(tv.tv_usec)).ptr;
  const auto digits = static_cast<std::size_t>(end - micro);
  for (std::size_t i = digits; i < 6; ++i) *p++ = '0';
  for (std::size_t i = 0; i < digits; ++i) *p++ = micro[i];
  return std::string_view(buf, static_cast<std::size_t>(p - buf));
}

// lru_crawler's class list: "all", "hash" (metadump only) or ids separated by commas.
// Empty `ids` after a true return means every class.
bool parse_class_list(std::string_view text, std::vector<unsigned>& ids) {
  if (text == "all" || text == "hash") return true;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    std::uint32_t id = 0;
    // memcached splits with strtok(), which skips empty parts.
    if (!part.empty()) {
      if (!safe_strtoul(part, id) || id < StatsCommands::class_id(0) || id >= kMaxClassId) return false;
      ids.push_back(id);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return !ids.empty();
}

}  // namespace

void StatsCommands::report(const StatsRequest& request, StatSink& sink) {
  switch (request.group) {
    case StatsGroup::kGeneral: return general(sink);
    case StatsGroup::kSettings: return context_.server.report_settings(sink);
    case StatsGroup::kItems: return items(sink);
    case StatsGroup::kSlabs: return slabs(sink);
    case StatsGroup::kConns: return context_.server.report_connections(sink);
    case StatsGroup::kSizes:
      // memstripe keeps no size histogram: memcached's answer with the feature off.
      sink.stat("sizes_status", "disabled");
      return;
    case StatsGroup::kSizesEnable:
      sink.stat("sizes_status", "error");
      sink.stat("sizes_error", "not_supported");
      return;
    case StatsGroup::kReset: return reset();
    // memstripe keeps no per-prefix counters: on and off are accepted, the dump is empty
    // (what memcached dumps before anything is recorded).
    case StatsGroup::kDetailOn:
    case StatsGroup::kDetailDump:
    case StatsGroup::kDetailUsage:
    case StatsGroup::kUnknown: return;
  }
}

void StatsCommands::reset() {
  context_.cache.reset_stats();
  context_.server.reset_command_stats();
}

void StatsCommands::general(StatSink& sink) {
  const storage::CacheStats cache = context_.cache.stats();
  const ServerContext::ConnectionStats conns = context_.server.connection_stats();
  const ServerContext::ProcessStats process = context_.server.process_stats();
  const CommandStats commands = context_.server.command_stats();
  const storage::Clock& clock = context_.cache.clock();
  char time_buf[48];

  sink.number("pid", process.pid);
  sink.number("uptime", clock.now());
  sink.signed_number("time", clock.unix_now());
  sink.stat("version", kMemcachedVersion);
  sink.stat("libevent", process.event_library);
  sink.number("pointer_size", 8 * sizeof(void*));
  sink.stat("rusage_user", format_timeval(process.user_time, time_buf));
  sink.stat("rusage_system", format_timeval(process.system_time, time_buf));
  sink.number("max_connections", conns.max_connections);
  sink.number("curr_connections", conns.curr_connections);
  sink.number("total_connections", conns.total_connections);
  sink.number("rejected_connections", conns.rejected_connections);
  sink.number("connection_structures", conns.connection_structures);
  // memcached's response objects and read buffers have no counterpart here.
  sink.number("response_obj_oom", 0);
  sink.number("response_obj_count", 0);
  sink.number("response_obj_bytes", 0);
  sink.number("read_buf_count", 0);
  sink.number("read_buf_bytes", 0);
  sink.number("read_buf_bytes_free", 0);
  sink.number("read_buf_oom", 0);
  sink.number("reserved_fds", 0);
  sink.number("cmd_get", commands.cmd_get.get());
  sink.number("cmd_set", commands.cmd_set.get());
  sink.number("cmd_flush", commands.cmd_flush.get());
  sink.number("cmd_touch", commands.cmd_touch.get());
  sink.number("cmd_meta", commands.cmd_meta.get());
  sink.number("get_hits", cache.get_hits);
  sink.number("get_misses", cache.get_misses);
  sink.number("get_expired", cache.get_expired);
  sink.number("get_flushed", cache.get_flushed);
  sink.number("delete_misses", cache.delete_misses);
  sink.number("delete_hits", cache.delete_hits);
  sink.number("incr_misses", cache.incr_misses);
  sink.number("incr_hits", cache.incr_hits);
  sink.number("decr_misses", cache.decr_misses);
  sink.number("decr_hits", cache.decr_hits);
  sink.number("cas_misses", cache.cas_misses);
  sink.number("cas_hits", cache.cas_hits);
  sink.number("cas_badval", cache.cas_badval);
  sink.number("touch_hits", cache.touch_hits);
  sink.number("touch_misses", cache.touch_misses);
  sink.number("store_too_large", cache.store_too_large);
  sink.number("store_no_memory", cache.store_no_memory);
  sink.number("auth_cmds", commands.auth_cmds.get());
  sink.number("auth_errors", commands.auth_errors.get());
  sink.number("bytes_read", commands.bytes_read.get());
  sink.number("bytes_written", commands.bytes_written.get());
  sink.number("limit_maxbytes", cache.limit_maxbytes);
  sink.number("accepting_conns", conns.curr_connections < conns.max_connections ? 1 : 0);
  sink.number("listen_disabled_num", 0);
  sink.number("time_in_listen_disabled_us", 0);
  sink.number("threads", conns.threads);
  sink.number("conn_yields", commands.conn_yields.get());
  sink.number("hash_power_level",
              cache.hash_buckets == 0 ? 0 : static_cast<std::uint64_t>(std::bit_width(cache.hash_buckets)) - 1);
  sink.number("hash_bytes", cache.index_bytes);
  sink.number("hash_is_expanding", cache.hash_is_expanding ? 1 : 0);
  sink.number("malloc_fails", 0);
  sink.number("log_worker_dropped", 0);
  sink.number("log_worker_written", 0);
  sink.number("log_watcher_skipped", 0);
  sink.number("log_watcher_sent", 0);
  sink.number("log_watchers", 0);
  if (const ServerContext::TlsStats tls = context_.server.tls_stats(); tls.enabled) {
    if (tls.session_cache) sink.number("ssl_new_sessions", tls.new_sessions);
    sink.number("ssl_handshake_errors", tls.handshake_errors);
    sink.number("time_since_server_cert_refresh", tls.seconds_since_cert_refresh);
  }
  sink.number("unexpected_napi_ids", 0);
  sink.number("round_robin_fallback", 0);
  sink.number("bytes", cache.bytes);
  sink.number("curr_items", cache.curr_items);
  sink.number("total_items", cache.total_items);
  sink.number("slab_global_page_pool", 0);
  sink.number("expired_unfetched", cache.expired_unfetched);
  sink.number("evicted_unfetched", cache.evicted_unfetched);
  sink.number("evictions", cache.evictions);
  sink.number("reclaimed", cache.reclaimed);
  sink.number("crawler_reclaimed", 0);
  sink.number("crawler_items_checked", 0);
  sink.number("lrutail_reflocked", 0);
  // memstripe's own, after memcached's.
  sink.stat("memstripe_version", memstripe_version());
  sink.number("memstripe_allocated_bytes", cache.allocated_bytes);
  sink.number("memstripe_large_value_bytes", cache.large_bytes);
}

void StatsCommands::items(StatSink& sink) {
  struct ClassItems {
    std::uint64_t number = 0;
    std::uint64_t mem_requested = 0;
    storage::RelTime oldest_access = ~storage::RelTime{0};
  };
  storage::Cache& cache = context_.cache;
  std::map<unsigned, ClassItems> live;
  cache.for_each_item([&live](const storage::ItemInfo& item) {
    ClassItems& c = live[item.size_class];
    ++c.number;
    c.mem_requested += item.total_size;
    c.oldest_access = std::min(c.oldest_access, item.last_access);
    return true;
  });
  const std::vector<storage::SizeClassStats> classes = cache.size_class_stats();
  const storage::RelTime now = cache.clock().now();
  constexpr std::string_view kPrefix = "items:";
  for (const auto& [size_class, items] : live) {
    storage::SizeClassStats counters;
    for (const auto& c : classes) {
      if (c.id == size_class) counters = c;
    }
    const unsigned id = class_id(size_class);
    const storage::RelTime age = now > items.oldest_access ? now - items.oldest_access : 0;
    sink.class_number(kPrefix, id, "number", items.number);
    sink.class_number(kPrefix, id, "age", age);
    sink.class_number(kPrefix, id, "mem_requested", items.mem_requested);
    sink.class_number(kPrefix, id, "evicted", counters.evicted);
    sink.class_number(kPrefix, id, "evicted_nonzero", 0);
    sink.class_number(kPrefix, id, "evicted_time", 0);
    sink.class_number(kPrefix, id, "outofmemory", counters.outofmemory);
    sink.class_number(kPrefix, id, "tailrepairs", 0);
    sink.class_number(kPrefix, id, "reclaimed", counters.reclaimed);
    sink.class_number(kPrefix, id, "expired_unfetched", counters.expired_unfetched);
    sink.class_number(kPrefix, id, "evicted_unfetched", counters.evicted_unfetched);
    sink.class_number(kPrefix, id, "crawler_reclaimed", 0);
    sink.class_number(kPrefix, id, "crawler_items_checked", 0);
    sink.class_number(kPrefix, id, "lrutail_reflocked", 0);
  }
}

void StatsCommands::slabs(StatSink& sink) {
  const std::vector<storage::SizeClassStats> classes = context_.cache.size_class_stats();
  const storage::CacheStats cache = context_.cache.stats();
  constexpr std::string_view kPrefix;
  for (const auto& c : classes) {
    const unsigned id = class_id(c.id);
    sink.class_number(kPrefix, id, "chunk_size", c.chunk_size);
    sink.class_number(kPrefix, id, "chunks_per_page", c.chunks_per_page);
    sink.class_number(kPrefix, id, "total_pages", c.pages);
    sink.class_number(kPrefix, id, "total_chunks", c.pages * c.chunks_per_page);
    sink.class_number(kPrefix, id, "used_chunks", c.used_chunks);
    sink.class_number(kPrefix, id, "free_chunks", c.free_chunks);
    sink.class_number(kPrefix, id, "free_chunks_end", 0);
    // memstripe counts hits per shard, not per class.
    for (std::string_view name : {"get_hits", "cmd_set", "delete_hits", "incr_hits", "decr_hits", "cas_hits",
                                  "cas_badval", "touch_hits"}) {
      sink.class_number(kPrefix, id, name, 0);
    }
  }
  sink.number("active_slabs", classes.size());
  sink.number("total_malloced", cache.allocated_bytes - cache.index_bytes - cache.large_bytes);
}

DumpStatus StatsCommands::dump(const DumpRequest& request, const std::function<bool(const storage::ItemInfo&)>& visit) {
  if (!context_.config.dump_enabled) return DumpStatus::kDisabled;
  storage::Cache& cache = context_.cache;
  if (request.format == DumpRequest::Format::kMetadump) {
    std::vector<unsigned> ids;
    if (!parse_class_list(request.classes, ids)) return DumpStatus::kBadClassList;
    cache.for_each_item([&](const storage::ItemInfo& item) {
      const unsigned id = class_id(item.size_class);
      if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) return true;
      return visit(item);
    });
    return DumpStatus::kDone;
  }
  if (!request.unreadable.empty()) return DumpStatus::kUnreadable;
  const std::uint32_t id = request.class_id;
  if (id >= kMemcachedClassLimit) {
    const std::vector<storage::SizeClassStats> classes = cache.size_class_stats();
    const bool known = std::any_of(classes.begin(), classes.end(),
                                   [id](const storage::SizeClassStats& c) { return class_id(c.id) == id; });
    if (!known) return DumpStatus::kIllegalClass;
  }
  std::size_t shown = 0;
  cache.for_each_item([&](const storage::ItemInfo& item) {
    if (request.limit != 0 && shown >= request.limit) return false;
    // memcached's cachedump skips items stored with base64 keys.
    if (class_id(item.size_class) != id || item.binary_key) return true;
    ++shown;
    return visit(item);
  });
  return DumpStatus::kDone;
}

}  // namespace memstripe::protocol
