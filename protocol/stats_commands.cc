// `stats` and its subcommands, and `lru_crawler metadump`: memcached 1.6.18's names, order
// and formats, for a memcached built without extstore, TLS or the proxy and run without
// slab reassignment, the LRU maintainer and the LRU crawler (memstripe has none of them,
// so their lines are absent as they are from such a memcached).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <map>
#include <string_view>
#include <vector>

#include "protocol/numbers.h"
#include "protocol/response_writer.h"
#include "protocol/responses.h"
#include "protocol/session_core.h"
#include "protocol/version.h"

namespace memstripe::protocol {
namespace {

// What `stats` calls memcached's "libevent" line: the event library the server runs on.
constexpr std::string_view kEventLibrary = "boost-asio";
// memcached numbers its slab classes from 1; memstripe's size classes from 0.
constexpr unsigned kFirstClassId = 1;
// memcached's MAX_NUMBER_OF_SLAB_CLASSES: `stats cachedump` refuses ids from here on
// (memstripe has more classes: ids it has are accepted).
constexpr std::uint32_t kMemcachedClassLimit = 64;
// Above any class memstripe has (its size classes stay well under this).
constexpr std::uint32_t kMaxClassId = 256;
// memcached caps a cachedump reply at 2 MB.
constexpr std::size_t kCachedumpMaxBytes = 2 * 1024 * 1024;

unsigned class_id(unsigned size_class) noexcept { return size_class + kFirstClassId; }

// "<seconds>.<microseconds, 6 digits>", memcached's rusage format.
std::string_view format_timeval(const timeval& tv, char (&buf)[48]) {
  char* p = std::to_chars(buf, buf + 24, static_cast<long long>(tv.tv_sec)).ptr;
  *p++ = '.';
  char micro[8];
  const char* end = std::to_chars(micro, micro + sizeof micro, static_cast<long long>(tv.tv_usec)).ptr;
  const auto digits = static_cast<std::size_t>(end - micro);
  for (std::size_t i = digits; i < 6; ++i) *p++ = '0';
  p = put(p, std::string_view(micro, digits));
  return std::string_view(buf, static_cast<std::size_t>(p - buf));
}

// memcached's uriencode() for metadump keys: unreserved bytes as they are, the rest %XX.
void append_uri_encoded(std::string_view key, OutputQueue& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  char* const start = out.reserve(key.size() * 3);
  char* p = start;
  for (const char c : key) {
    const auto b = static_cast<unsigned char>(c);
    const bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                       b == '-' || b == '.' || b == '_' || b == '~';
    if (plain) {
      *p++ = c;
    } else {
      *p++ = '%';
      *p++ = kHex[b >> 4];
      *p++ = kHex[b & 0xF];
    }
  }
  out.commit(static_cast<std::size_t>(p - start));
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
      if (!safe_strtoul(part, id) || id < kFirstClassId || id >= kMaxClassId) return false;
      ids.push_back(id);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return !ids.empty();
}

}  // namespace

void SessionCore::report_stats(const Command& command, OutputQueue& out) {
  const Tokens& t = command.tokens;
  if (t.ntokens() == 2) {
    stats_general(out);
    return;
  }
  const std::string_view sub = t[1];
  StatWriter w(out);
  if (sub == "reset") {
    cache_.reset_stats();
    server_.reset_command_stats();
    out.append(reply::kReset);
  } else if (sub == "detail") {
    stats_detail(command, out);
  } else if (sub == "settings") {
    server_.append_settings(out);
    w.end();
  } else if (sub == "cachedump") {
    stats_cachedump(command, out);
  } else if (sub == "conns") {
    server_.append_connections(out);
    w.end();
  } else if (sub == "items") {
    stats_items(out);
  } else if (sub == "slabs") {
    stats_slabs(out);
  } else if (sub == "sizes" || sub == "sizes_disable") {
    // memstripe keeps no size histogram: memcached's answer with the feature off.
    w.text("sizes_status", "disabled");
    w.end();
  } else if (sub == "sizes_enable") {
    // memcached's error form (it has no END here; memstripe adds it so clients do not hang).
    w.text("sizes_status", "error");
    w.text("sizes_error", "not_supported");
    w.end();
  } else {
    out.append(reply::kError);
  }
}

void SessionCore::stats_general(OutputQueue& out) {
  const storage::CacheStats cache = cache_.stats();
  const ServerContext::ConnectionStats conns = server_.connection_stats();
  const CommandStats commands = server_.command_stats();
  const storage::Clock& clock = cache_.clock();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  char time_buf[48];

  StatWriter w(out);
  w.number("pid", static_cast<std::uint64_t>(getpid()));
  w.number("uptime", clock.now());
  w.signed_number("time", clock.unix_now());
  w.text("version", kMemcachedVersion);
  w.text("libevent", kEventLibrary);
  w.number("pointer_size", 8 * sizeof(void*));
  w.text("rusage_user", format_timeval(usage.ru_utime, time_buf));
  w.text("rusage_system", format_timeval(usage.ru_stime, time_buf));
  w.number("max_connections", conns.max_connections);
  w.number("curr_connections", conns.curr_connections);
  w.number("total_connections", conns.total_connections);
  w.number("rejected_connections", conns.rejected_connections);
  w.number("connection_structures", conns.connection_structures);
  // memcached's response objects and read buffers have no counterpart here.
  w.number("response_obj_oom", 0);
  w.number("response_obj_count", 0);
  w.number("response_obj_bytes", 0);
  w.number("read_buf_count", 0);
  w.number("read_buf_bytes", 0);
  w.number("read_buf_bytes_free", 0);
  w.number("read_buf_oom", 0);
  w.number("reserved_fds", 0);
  w.number("cmd_get", commands.cmd_get.get());
  w.number("cmd_set", commands.cmd_set.get());
  w.number("cmd_flush", commands.cmd_flush.get());
  w.number("cmd_touch", commands.cmd_touch.get());
  w.number("cmd_meta", commands.cmd_meta.get());
  w.number("get_hits", cache.get_hits);
  w.number("get_misses", cache.get_misses);
  w.number("get_expired", cache.get_expired);
  w.number("get_flushed", cache.get_flushed);
  w.number("delete_misses", cache.delete_misses);
  w.number("delete_hits", cache.delete_hits);
  w.number("incr_misses", cache.incr_misses);
  w.number("incr_hits", cache.incr_hits);
  w.number("decr_misses", cache.decr_misses);
  w.number("decr_hits", cache.decr_hits);
  w.number("cas_misses", cache.cas_misses);
  w.number("cas_hits", cache.cas_hits);
  w.number("cas_badval", cache.cas_badval);
  w.number("touch_hits", cache.touch_hits);
  w.number("touch_misses", cache.touch_misses);
  w.number("store_too_large", cache.store_too_large);
  w.number("store_no_memory", cache.store_no_memory);
  w.number("auth_cmds", 0);
  w.number("auth_errors", 0);
  w.number("bytes_read", commands.bytes_read.get());
  w.number("bytes_written", commands.bytes_written.get());
  w.number("limit_maxbytes", cache.limit_maxbytes);
  w.number("accepting_conns", conns.curr_connections < conns.max_connections ? 1 : 0);
  w.number("listen_disabled_num", 0);
  w.number("time_in_listen_disabled_us", 0);
  w.number("threads", conns.threads);
  w.number("conn_yields", commands.conn_yields.get());
  w.number("hash_power_level",
           cache.hash_buckets == 0 ? 0 : static_cast<std::uint64_t>(std::bit_width(cache.hash_buckets)) - 1);
  w.number("hash_bytes", cache.index_bytes);
  w.number("hash_is_expanding", cache.hash_is_expanding ? 1 : 0);
  w.number("malloc_fails", 0);
  w.number("log_worker_dropped", 0);
  w.number("log_worker_written", 0);
  w.number("log_watcher_skipped", 0);
  w.number("log_watcher_sent", 0);
  w.number("log_watchers", 0);
  w.number("unexpected_napi_ids", 0);
  w.number("round_robin_fallback", 0);
  w.number("bytes", cache.bytes);
  w.number("curr_items", cache.curr_items);
  w.number("total_items", cache.total_items);
  w.number("slab_global_page_pool", 0);
  w.number("expired_unfetched", cache.expired_unfetched);
  w.number("evicted_unfetched", cache.evicted_unfetched);
  w.number("evictions", cache.evictions);
  w.number("reclaimed", cache.reclaimed);
  w.number("crawler_reclaimed", 0);
  w.number("crawler_items_checked", 0);
  w.number("lrutail_reflocked", 0);
  // memstripe's own, after memcached's.
  w.text("memstripe_version", memstripe_version());
  w.number("memstripe_allocated_bytes", cache.allocated_bytes);
  w.number("memstripe_large_value_bytes", cache.large_bytes);
  w.end();
}

void SessionCore::stats_detail(const Command& command, OutputQueue& out) {
  const Tokens& t = command.tokens;
  const std::string_view what = t.ntokens() < 4 ? std::string_view{} : t[2];
  // memstripe keeps no per-prefix counters: on and off are accepted, the dump is empty
  // (what memcached dumps before anything is recorded).
  if (what == "on" || what == "off") {
    out.append(reply::kOk);
  } else if (what == "dump") {
    out.append(reply::kEnd);
  } else {
    out.append(reply::kDetailUsage);
  }
}

void SessionCore::stats_items(OutputQueue& out) {
  struct ClassItems {
    std::uint64_t number = 0;
    std::uint64_t mem_requested = 0;
    storage::RelTime oldest_access = ~storage::RelTime{0};
  };
  std::map<unsigned, ClassItems> live;
  cache_.for_each_item([&live](const storage::ItemInfo& item) {
    ClassItems& c = live[item.size_class];
    ++c.number;
    c.mem_requested += item.total_size;
    c.oldest_access = std::min(c.oldest_access, item.last_access);
    return true;
  });
  const std::vector<storage::SizeClassStats> classes = cache_.size_class_stats();
  const storage::RelTime now = cache_.clock().now();
  constexpr std::string_view kPrefix = "items:";
  StatWriter w(out);
  for (const auto& [size_class, items] : live) {
    storage::SizeClassStats counters;
    for (const auto& c : classes) {
      if (c.id == size_class) counters = c;
    }
    const unsigned id = class_id(size_class);
    const storage::RelTime age = now > items.oldest_access ? now - items.oldest_access : 0;
    w.class_number(kPrefix, id, "number", items.number);
    w.class_number(kPrefix, id, "age", age);
    w.class_number(kPrefix, id, "mem_requested", items.mem_requested);
    w.class_number(kPrefix, id, "evicted", counters.evicted);
    w.class_number(kPrefix, id, "evicted_nonzero", 0);
    w.class_number(kPrefix, id, "evicted_time", 0);
    w.class_number(kPrefix, id, "outofmemory", counters.outofmemory);
    w.class_number(kPrefix, id, "tailrepairs", 0);
    w.class_number(kPrefix, id, "reclaimed", counters.reclaimed);
    w.class_number(kPrefix, id, "expired_unfetched", counters.expired_unfetched);
    w.class_number(kPrefix, id, "evicted_unfetched", counters.evicted_unfetched);
    w.class_number(kPrefix, id, "crawler_reclaimed", 0);
    w.class_number(kPrefix, id, "crawler_items_checked", 0);
    w.class_number(kPrefix, id, "lrutail_reflocked", 0);
  }
  w.end();
}

void SessionCore::stats_slabs(OutputQueue& out) {
  const std::vector<storage::SizeClassStats> classes = cache_.size_class_stats();
  const storage::CacheStats cache = cache_.stats();
  constexpr std::string_view kPrefix;
  StatWriter w(out);
  for (const auto& c : classes) {
    const unsigned id = class_id(c.id);
    w.class_number(kPrefix, id, "chunk_size", c.chunk_size);
    w.class_number(kPrefix, id, "chunks_per_page", c.chunks_per_page);
    w.class_number(kPrefix, id, "total_pages", c.pages);
    w.class_number(kPrefix, id, "total_chunks", c.pages * c.chunks_per_page);
    w.class_number(kPrefix, id, "used_chunks", c.used_chunks);
    w.class_number(kPrefix, id, "free_chunks", c.free_chunks);
    w.class_number(kPrefix, id, "free_chunks_end", 0);
    // memstripe counts hits per shard, not per class.
    for (std::string_view name : {"get_hits", "cmd_set", "delete_hits", "incr_hits", "decr_hits",
                                  "cas_hits", "cas_badval", "touch_hits"}) {
      w.class_number(kPrefix, id, name, 0);
    }
  }
  w.number("active_slabs", classes.size());
  w.number("total_malloced", cache.allocated_bytes - cache.index_bytes - cache.large_bytes);
  w.end();
}

void SessionCore::stats_cachedump(const Command& command, OutputQueue& out) {
  const Tokens& t = command.tokens;
  if (!config_.dump_enabled) {
    out.append(reply::kCachedumpDisabled);
    return;
  }
  if (t.ntokens() < 5) {
    out.append(reply::kBadCommandLine);
    return;
  }
  std::uint32_t id = 0;
  std::uint32_t limit = 0;
  if (!safe_strtoul(t[2], id) || !safe_strtoul(t[3], limit)) {
    out.append(reply::kBadCommandLineFormat);
    return;
  }
  if (id >= kMemcachedClassLimit) {
    const std::vector<storage::SizeClassStats> classes = cache_.size_class_stats();
    const bool known = std::any_of(classes.begin(), classes.end(),
                                   [id](const storage::SizeClassStats& c) { return class_id(c.id) == id; });
    if (!known) {
      out.append(reply::kIllegalSlabId);
      return;
    }
  }
  const std::time_t started = cache_.clock().unix_started();
  std::size_t shown = 0;
  std::size_t bytes = 0;
  StatWriter w(out);
  cache_.for_each_item([&](const storage::ItemInfo& item) {
    if (limit != 0 && shown >= limit) return false;
    if (item.size_class + kFirstClassId != id || item.binary_key) return true;
    // memcached prints the key with %s: it stops at a NUL.
    std::string_view key = item.key;
    if (const void* nul = std::memchr(key.data(), '\0', key.size())) {
      key = key.substr(0, static_cast<std::size_t>(static_cast<const char*>(nul) - key.data()));
    }
    const std::uint64_t expires = item.exptime == 0 ? 0 : static_cast<std::uint64_t>(started + item.exptime);
    const std::size_t line_max = 5 + key.size() + 2 + kMaxDecimalDigits * 2 + 10;
    if (bytes + line_max + reply::kEnd.size() > kCachedumpMaxBytes) return false;
    char* const start = out.reserve(line_max);
    char* p = put(start, "ITEM ");
    p = put(p, key);
    p = put(p, " [");
    p = put_number(p, item.value_length);
    p = put(p, " b; ");
    p = put_number(p, expires);
    p = put(p, " s]\r\n");
    out.commit(static_cast<std::size_t>(p - start));
    bytes += static_cast<std::size_t>(p - start);
    ++shown;
    return true;
  });
  w.end();
}

void SessionCore::lru_crawler_metadump(std::string_view classes, OutputQueue& out) {
  std::vector<unsigned> ids;
  if (!parse_class_list(classes, ids)) {
    out.append(reply::kCrawlerBadClass);
    return;
  }
  const std::time_t started = cache_.clock().unix_started();
  cache_.for_each_item([&](const storage::ItemInfo& item) {
    const unsigned id = class_id(item.size_class);
    if (!ids.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) return true;
    out.append("key=");
    append_uri_encoded(item.key, out);
    char* const start = out.reserve(128);
    char* p = put(start, " exp=");
    if (item.exptime == 0) {
      p = put(p, "-1");
    } else {
      p = put_number(p, static_cast<std::uint64_t>(started + item.exptime));
    }
    p = put(p, " la=");
    p = put_number(p, static_cast<std::uint64_t>(started + item.last_access));
    p = put(p, " cas=");
    p = put_number(p, item.cas);
    p = put(p, item.fetched ? " fetch=yes cls=" : " fetch=no cls=");
    p = put_number(p, id);
    p = put(p, " size=");
    p = put_number(p, item.total_size);
    *p++ = '\n';  // memcached ends these lines with a bare newline
    out.commit(static_cast<std::size_t>(p - start));
    return true;
  });
  out.append(reply::kEnd);
}

}  // namespace memstripe::protocol
