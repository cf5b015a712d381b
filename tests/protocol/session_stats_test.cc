// `stats` and its subcommands, and `lru_crawler metadump`, through a Session.
#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/version.h"
#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

// "STAT name value" lines in order; fails the test on any other line before END.
std::vector<std::pair<std::string, std::string>> stat_lines(const std::string& reply) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::size_t at = 0;
  for (;;) {
    const std::size_t end = reply.find("\r\n", at);
    if (end == std::string::npos) {
      ADD_FAILURE() << "no END in " << reply;
      return lines;
    }
    const std::string line = reply.substr(at, end - at);
    at = end + 2;
    if (line == "END") {
      EXPECT_EQ(at, reply.size()) << "bytes after END";
      return lines;
    }
    std::istringstream words(line);
    std::string stat, name, value, extra;
    words >> stat >> name >> value;
    EXPECT_EQ(stat, "STAT") << line;
    EXPECT_FALSE(value.empty()) << line;
    EXPECT_FALSE(words >> extra) << "a value of more than one token: " << line;
    lines.emplace_back(name, value);
  }
}

std::map<std::string, std::string> stat_map(const std::string& reply) {
  std::map<std::string, std::string> m;
  for (auto& [name, value] : stat_lines(reply)) m[name] = value;
  return m;
}

using Stats = SessionTest;

TEST_F(Stats, ListsMemcachedsGeneralStatsInItsOrder) {
  std::vector<std::string> names;
  for (auto& [name, value] : stat_lines(send("stats\r\n"))) names.push_back(name);
  const std::vector<std::string> memcached = {
      "pid", "uptime", "time", "version", "libevent", "pointer_size", "rusage_user", "rusage_system",
      "max_connections", "curr_connections", "total_connections", "rejected_connections",
      "connection_structures", "response_obj_oom", "response_obj_count", "response_obj_bytes",
      "read_buf_count", "read_buf_bytes", "read_buf_bytes_free", "read_buf_oom", "reserved_fds", "cmd_get",
      "cmd_set", "cmd_flush", "cmd_touch", "cmd_meta", "get_hits", "get_misses", "get_expired", "get_flushed",
      "delete_misses", "delete_hits", "incr_misses", "incr_hits", "decr_misses", "decr_hits", "cas_misses",
      "cas_hits", "cas_badval", "touch_hits", "touch_misses", "store_too_large", "store_no_memory",
      "auth_cmds", "auth_errors", "bytes_read", "bytes_written", "limit_maxbytes", "accepting_conns",
      "listen_disabled_num", "time_in_listen_disabled_us", "threads", "conn_yields", "hash_power_level",
      "hash_bytes", "hash_is_expanding", "malloc_fails", "log_worker_dropped", "log_worker_written",
      "log_watcher_skipped", "log_watcher_sent", "log_watchers", "unexpected_napi_ids",
      "round_robin_fallback", "bytes", "curr_items", "total_items", "slab_global_page_pool",
      "expired_unfetched", "evicted_unfetched", "evictions", "reclaimed", "crawler_reclaimed",
      "crawler_items_checked", "lrutail_reflocked"};
  ASSERT_GE(names.size(), memcached.size());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + static_cast<long>(memcached.size())), memcached);
  // memstripe's own come after memcached's.
  for (std::size_t i = memcached.size(); i < names.size(); ++i) EXPECT_EQ(names[i].rfind("memstripe_", 0), 0u);
}

TEST_F(Stats, TlsLinesFollowLogWatchersOnlyWithTls) {
  auto names_of = [&] {
    std::vector<std::string> names;
    for (auto& [name, value] : stat_lines(send("stats\r\n"))) names.push_back(name);
    return names;
  };
  const auto plain = names_of();
  EXPECT_EQ(std::find(plain.begin(), plain.end(), "ssl_handshake_errors"), plain.end());
  server_.tls = {.enabled = true, .session_cache = false, .new_sessions = 5, .handshake_errors = 3,
                 .seconds_since_cert_refresh = 62};
  auto names = names_of();
  auto at = std::find(names.begin(), names.end(), "log_watchers");
  ASSERT_NE(at, names.end());
  EXPECT_EQ(std::vector<std::string>(at + 1, at + 4),
            (std::vector<std::string>{"ssl_handshake_errors", "time_since_server_cert_refresh", "unexpected_napi_ids"}));
  server_.tls.session_cache = true;
  names = names_of();
  at = std::find(names.begin(), names.end(), "log_watchers");
  EXPECT_EQ(*(at + 1), "ssl_new_sessions");
  auto s = stat_map(send("stats\r\n"));
  EXPECT_EQ(s["ssl_new_sessions"], "5");
  EXPECT_EQ(s["ssl_handshake_errors"], "3");
  EXPECT_EQ(s["time_since_server_cert_refresh"], "62");
}

TEST_F(Stats, ReportsTheCacheTheServerAndTheCommandCounters) {
  server_.other_worker.cmd_get.add(100);
  server_.other_worker.bytes_read.add(5);
  send("set a 0 0 1\r\nx\r\nset b 0 0 2\r\nyy\r\nget a zz\r\ndelete b\r\nincr a 1\r\ntouch a 0\r\n");
  auto s = stat_map(send("stats\r\n"));
  EXPECT_EQ(s["version"], "1.6.18");
  EXPECT_EQ(s["memstripe_version"], std::string(memstripe_version()));
  EXPECT_EQ(s["pointer_size"], "64");
  EXPECT_EQ(s["time"], std::to_string(clock_.unix_now()));
  EXPECT_EQ(s["uptime"], std::to_string(clock_.now()));
  EXPECT_EQ(s["max_connections"], "1024");
  EXPECT_EQ(s["curr_connections"], "3");
  EXPECT_EQ(s["total_connections"], "7");
  EXPECT_EQ(s["rejected_connections"], "1");
  EXPECT_EQ(s["connection_structures"], "4");
  EXPECT_EQ(s["threads"], "2");
  EXPECT_EQ(s["cmd_get"], "102");
  EXPECT_EQ(s["cmd_set"], "2");
  EXPECT_EQ(s["cmd_touch"], "1");
  EXPECT_EQ(s["bytes_read"], "5");
  EXPECT_EQ(s["get_hits"], "1");
  EXPECT_EQ(s["get_misses"], "1");
  EXPECT_EQ(s["delete_hits"], "1");
  EXPECT_EQ(s["incr_misses"], "0");
  EXPECT_EQ(s["touch_hits"], "1");
  EXPECT_EQ(s["curr_items"], "1");
  EXPECT_EQ(s["total_items"], "2");
  EXPECT_EQ(s["limit_maxbytes"], std::to_string(64 * kMiB));
  EXPECT_NE(s["rusage_user"].find('.'), std::string::npos);
  EXPECT_EQ(s["rusage_user"].size() - s["rusage_user"].find('.'), 7u) << "six digits of microseconds";
}

TEST_F(Stats, ResetZeroesTheCountersButNotTheItems) {
  send("set a 0 0 1\r\nx\r\nget a\r\n");
  EXPECT_EQ(send("stats reset\r\n"), "RESET\r\n");
  EXPECT_EQ(server_.resets, 1);
  auto s = stat_map(send("stats\r\n"));
  EXPECT_EQ(s["get_hits"], "0");
  EXPECT_EQ(s["curr_items"], "1");
}

TEST_F(Stats, SettingsAndConnsComeFromTheServer) {
  EXPECT_EQ(send("stats settings\r\n"), "STAT maxbytes 67108864\r\nEND\r\n");
  EXPECT_EQ(send("stats settings x\r\n"), "STAT maxbytes 67108864\r\nEND\r\n");
  EXPECT_EQ(send("stats conns\r\n"), "STAT 9:state conn_parse_cmd\r\nEND\r\n");
}

TEST_F(Stats, ItemsListsEachClassWithItems) {
  EXPECT_EQ(send("stats items\r\n"), "END\r\n");
  send("set a 0 0 3\r\nabc\r\n");
  const auto lines = stat_lines(send("stats items\r\n"));
  ASSERT_EQ(lines.size(), 14u);
  const std::string prefix = lines[0].first.substr(0, lines[0].first.rfind(':') + 1);
  EXPECT_EQ(prefix.rfind("items:", 0), 0u);
  const std::vector<std::string> names = {"number", "age", "mem_requested", "evicted", "evicted_nonzero",
                                          "evicted_time", "outofmemory", "tailrepairs", "reclaimed",
                                          "expired_unfetched", "evicted_unfetched", "crawler_reclaimed",
                                          "crawler_items_checked", "lrutail_reflocked"};
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(lines[i].first, prefix + names[i]);
  EXPECT_EQ(lines[0].second, "1");
}

TEST_F(Stats, ItemsReportsTheAgeOfTheOldestAccess) {
  send("set a 0 0 3\r\nabc\r\ndebug_advance_clock 5\r\n");
  const auto lines = stat_lines(send("stats items\r\n"));
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1].second, "5");
}

TEST_F(Stats, SlabsListsEachClassThenTotals) {
  send("set a 0 0 3\r\nabc\r\n");
  const auto lines = stat_lines(send("stats slabs\r\n"));
  ASSERT_GE(lines.size(), 17u);
  const std::vector<std::string> names = {"chunk_size", "chunks_per_page", "total_pages", "total_chunks",
                                          "used_chunks", "free_chunks", "free_chunks_end", "get_hits",
                                          "cmd_set", "delete_hits", "incr_hits", "decr_hits",
                                          "cas_hits", "cas_badval", "touch_hits"};
  const std::string prefix = lines[0].first.substr(0, lines[0].first.find(':') + 1);
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_EQ(lines[i].first, prefix + names[i]);
  EXPECT_EQ(lines[lines.size() - 2].first, "active_slabs");
  EXPECT_EQ(lines.back().first, "total_malloced");
}

TEST_F(Stats, SizesAndDetailAnswerAsWithThoseFeaturesOff) {
  EXPECT_EQ(send("stats sizes\r\n"), "STAT sizes_status disabled\r\nEND\r\n");
  EXPECT_EQ(send("stats sizes_disable\r\n"), "STAT sizes_status disabled\r\nEND\r\n");
  EXPECT_EQ(send("stats sizes_enable\r\n"), "STAT sizes_status error\r\nSTAT sizes_error not_supported\r\nEND\r\n");
  EXPECT_EQ(send("stats detail\r\nstats detail on\r\nstats detail dump\r\nstats detail off\r\nstats detail x\r\n"),
            "CLIENT_ERROR usage: stats detail on|off|dump\r\nOK\r\nEND\r\nOK\r\n"
            "CLIENT_ERROR usage: stats detail on|off|dump\r\n");
}

TEST_F(Stats, UnknownSubcommandsAreErrors) {
  EXPECT_EQ(send("stats foo\r\nstats proxy\r\nstats extstore\r\n"), "ERROR\r\nERROR\r\nERROR\r\n");
}

TEST_F(Stats, CachedumpListsTheItemsOfAClass) {
  send("set a 0 0 3\r\nabc\r\nset b 0 100 3\r\nxyz\r\n");
  const std::string items = send("stats items\r\n");
  const std::string id = items.substr(items.find(':') + 1, items.find(':', items.find(':') + 1) - items.find(':') - 1);
  const std::string dump = send("stats cachedump " + id + " 0\r\n");
  EXPECT_NE(dump.find("ITEM a [3 b; 0 s]\r\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("ITEM b [3 b; " + std::to_string(clock_.unix_now() + 100) + " s]\r\n"), std::string::npos) << dump;
  EXPECT_EQ(dump.substr(dump.size() - 5), "END\r\n");
  const std::string one = send("stats cachedump " + id + " 1\r\n");
  EXPECT_EQ(one.find("ITEM"), 0u);
  EXPECT_EQ(one.find("ITEM", 1), std::string::npos) << "the limit is one";
}

TEST_F(Stats, CachedumpChecksItsArguments) {
  EXPECT_EQ(send("stats cachedump\r\nstats cachedump 1\r\nstats cachedump x 1\r\nstats cachedump 1 x\r\n"
                 "stats cachedump -1 1\r\nstats cachedump 1000 1\r\nstats cachedump 2 1\r\n"),
            "CLIENT_ERROR bad command line\r\nCLIENT_ERROR bad command line\r\n"
            "CLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\n"
            "CLIENT_ERROR bad command line format\r\nCLIENT_ERROR Illegal slab id\r\nEND\r\n");
}

TEST_F(Stats, MetadumpListsEveryLiveItemUriEncoded) {
  send("set a 5 0 3\r\nabc\r\nset b%20c 0 100 2\r\nxy\r\nset \x01z 0 0 1\r\nq\r\nget a\r\n");
  const std::string dump = send("lru_crawler metadump all\r\n");
  EXPECT_EQ(dump.substr(dump.size() - 5), "END\r\n");
  const std::string cas_a = std::to_string(cas_of("a"));
  const std::string la = std::to_string(clock_.unix_now());
  EXPECT_NE(dump.find("key=a exp=-1 la=" + la + " cas=" + cas_a + " fetch=yes cls="), std::string::npos) << dump;
  EXPECT_NE(dump.find("key=b%2520c exp=" + std::to_string(clock_.unix_now() + 100) + " la="), std::string::npos);
  EXPECT_NE(dump.find("key=%01z exp=-1 "), std::string::npos);
  EXPECT_NE(dump.find(" fetch=no "), std::string::npos);
  // memcached ends these lines with a bare newline.
  EXPECT_EQ(std::count(dump.begin(), dump.end(), '\n'), 4);
  EXPECT_EQ(std::count(dump.begin(), dump.end(), '\r'), 1);
}

TEST_F(Stats, MetadumpSkipsExpiredItemsAndChecksTheClassList) {
  send("set a 0 1 1\r\nx\r\ndebug_advance_clock 2\r\n");
  EXPECT_EQ(send("lru_crawler metadump all\r\n"), "END\r\n");
  EXPECT_EQ(send("lru_crawler metadump hash\r\n"), "END\r\n");
  EXPECT_EQ(send("lru_crawler metadump 1,2\r\n"), "END\r\n");
  EXPECT_EQ(send("lru_crawler metadump 1,\r\n"), "END\r\n");
  EXPECT_EQ(send("lru_crawler metadump x\r\nlru_crawler metadump 0\r\nlru_crawler metadump 1,x\r\n"
                 "lru_crawler metadump\r\n"),
            "BADCLASS invalid class id\r\nBADCLASS invalid class id\r\nBADCLASS invalid class id\r\nERROR\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
