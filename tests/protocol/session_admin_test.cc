// flush_all, version, verbosity, shutdown, cache_memlimit, the debug clock, and the
// tuning commands of memcached machinery memstripe does not have.
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using AdminCommands = SessionTest;

TEST_F(AdminCommands, VersionAnswersMemcachedsVersion) { EXPECT_EQ(send("version\r\n"), "VERSION 1.6.18\r\n"); }

TEST_F(AdminCommands, FlushAllInvalidatesEverything) {
  send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\ny\r\n");
  EXPECT_EQ(send("flush_all\r\nget a b\r\n"), "OK\r\nEND\r\n");
  EXPECT_EQ(send("set a 0 0 1\r\nz\r\nget a\r\n"), "STORED\r\nVALUE a 0 1\r\nz\r\nEND\r\n");
}

TEST_F(AdminCommands, FlushAllWithADelayWaitsForIt) {
  send("set a 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("flush_all 10\r\nget a\r\n"), "OK\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("debug_advance_clock 11\r\nget a\r\n"), "OK\r\nEND\r\n");
}

TEST_F(AdminCommands, FlushAllArgumentsAsMemcachedReadsThem) {
  EXPECT_EQ(send("flush_all 0\r\nflush_all noreply\r\nflush_all 0 noreply\r\nflush_all garbage\r\n"
                 "flush_all 0 garbage\r\nflush_all 1 2 3\r\nflush_all -1\r\nflush_all noreply x\r\n"),
            "OK\r\nCLIENT_ERROR invalid exptime argument\r\nOK\r\nERROR\r\nOK\r\n"
            "CLIENT_ERROR invalid exptime argument\r\n");
  EXPECT_EQ(server_.commands.cmd_flush.get(), 7u) << "refused ones count, malformed lines do not";
}

TEST_F(AdminCommands, RefreshCertsWithoutTlsSaysSoEvenWithNoreply) {
  EXPECT_EQ(send("refresh_certs\r\nrefresh_certs noreply\r\n"), "Error TLS not enabled\r\nError TLS not enabled\r\n");
}

TEST_F(AdminCommands, RefreshCertsAsksTheServerAndAnswersOkOrWhyNot) {
  server_.tls.enabled = true;
  EXPECT_EQ(send("refresh_certs\r\nrefresh_certs noreply\r\nrefresh_certs any thing\r\n"), "OK\r\nOK\r\n");
  EXPECT_EQ(server_.refreshes, 3);
  server_.refresh_error = "Error loading the key: /k.pem : error:0A080002:SSL routines::key values mismatch";
  EXPECT_EQ(send("refresh_certs\r\nrefresh_certs noreply\r\n"),
            server_.refresh_error + "\r\n" + server_.refresh_error + "\r\n");
}

TEST_F(AdminCommands, VerbosityIsPassedToTheServerClampedToTwo) {
  EXPECT_EQ(send("verbosity 1\r\n"), "OK\r\n");
  EXPECT_EQ(server_.verbosity, 1);
  EXPECT_EQ(send("verbosity 5\r\n"), "OK\r\n");
  EXPECT_EQ(server_.verbosity, 2);
  EXPECT_EQ(send("verbosity\r\nverbosity x\r\nverbosity 1 noreply\r\nverbosity 1 2\r\nverbosity 1 2 3\r\n"
                 "verbosity noreply\r\nverbosity -1\r\n"),
            "ERROR\r\nCLIENT_ERROR bad command line format\r\nOK\r\nERROR\r\nCLIENT_ERROR bad command line format\r\n");
}

TEST_F(AdminCommands, ShutdownIsRefusedUnlessEnabled) {
  EXPECT_EQ(send("shutdown\r\nshutdown graceful\r\nshutdown x\r\n"),
            "ERROR: shutdown not enabled\r\nERROR: shutdown not enabled\r\nERROR: shutdown not enabled\r\n");
  EXPECT_EQ(server_.shutdowns, 0);
}

class ShutdownEnabled : public SessionTest {
 protected:
  ShutdownEnabled() : SessionTest(default_cache_config(), with_shutdown()) {}
  static ProtocolConfig with_shutdown() {
    ProtocolConfig p;
    p.shutdown_enabled = true;
    return p;
  }
};

TEST_F(ShutdownEnabled, ShutdownAsksTheServerAndClosesWithoutAReply) {
  EXPECT_EQ(send("shutdown\r\n"), "");
  EXPECT_EQ(server_.shutdowns, 1);
  EXPECT_EQ(close(), Session::Close::kNow);
}

TEST_F(ShutdownEnabled, ShutdownGracefulAsksForAGracefulShutdown) {
  send("shutdown graceful\r\n");
  EXPECT_EQ(server_.graceful_shutdowns, 1);
  EXPECT_EQ(close(), Session::Close::kNow);
}

TEST_F(ShutdownEnabled, ShutdownWithAnUnknownModeIsAClientError) {
  EXPECT_EQ(send("shutdown now\r\nshutdown graceful x\r\n"),
            "CLIENT_ERROR invalid shutdown mode\r\nCLIENT_ERROR invalid shutdown mode\r\n");
  EXPECT_EQ(close(), Session::Close::kNo);
}

class FlushAndDumpDisabled : public SessionTest {
 protected:
  FlushAndDumpDisabled() : SessionTest(default_cache_config(), disabled()) {}
  static ProtocolConfig disabled() {
    ProtocolConfig p;
    p.flush_enabled = false;
    p.dump_enabled = false;
    return p;
  }
};

TEST_F(FlushAndDumpDisabled, RefusesFlushAllAndDumps) {
  EXPECT_EQ(send("set a 0 0 1\r\nx\r\nflush_all\r\nflush_all noreply\r\nget a\r\n"),
            "STORED\r\nCLIENT_ERROR flush_all not allowed\r\nVALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("stats cachedump 1 1\r\nlru_crawler metadump all\r\n"),
            "CLIENT_ERROR stats cachedump not allowed\r\nERROR metadump not allowed\r\n");
}

TEST_F(AdminCommands, CacheMemlimitSetsTheMemoryLimitInMegabytes) {
  EXPECT_EQ(send("cache_memlimit 100\r\n"), "OK\r\n");
  EXPECT_EQ(cache_->stats().limit_maxbytes, 100 * kMiB);
}

TEST_F(AdminCommands, CacheMemlimitChecksItsArgument) {
  EXPECT_EQ(send("cache_memlimit\r\ncache_memlimit 5\r\ncache_memlimit x\r\ncache_memlimit 2000000000\r\n"
                 "cache_memlimit 64 noreply\r\ncache_memlimit 8 9\r\ncache_memlimit 1 2 3\r\ncache_memlimit -1\r\n"),
            "ERROR\r\nMEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\nERROR\r\n"
            "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\nOK\r\nERROR\r\nERROR\r\n");
}

TEST_F(AdminCommands, CacheMemlimitAboveWhatTheCacheCanAddressIsRefused) {
  EXPECT_EQ(send("cache_memlimit 1000000\r\n"), "MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust\r\n");
}

TEST_F(AdminCommands, SlabsAnswersAsMemcachedWithoutSlabReassign) {
  EXPECT_EQ(send("slabs\r\nslabs reassign 1 2\r\nslabs reassign x 2\r\nslabs automove 1\r\nslabs automove 3\r\n"
                 "slabs automove x\r\nslabs automove ratio 0.5\r\nslabs automove ratio\r\nslabs foo\r\n"
                 "slabs automove 0 noreply\r\n"),
            "ERROR\r\nCLIENT_ERROR slab reassignment disabled\r\nCLIENT_ERROR slab reassignment disabled\r\nOK\r\n"
            "ERROR\r\nCLIENT_ERROR bad command line format\r\nOK\r\nERROR\r\nERROR\r\n");
}

TEST_F(AdminCommands, LruAnswersAsMemcachedWithoutTheLruMaintainer) {
  EXPECT_EQ(send("lru\r\nlru tune 10 25 0.1 2.0\r\nlru tune 50 50 0.1 2.0\r\nlru tune 10 25 0 2.0\r\n"
                 "lru tune x 25 0.1 2.0\r\nlru mode flat\r\nlru temp_ttl 10\r\nlru foo\r\n"
                 "lru tune 10 25 0.1 2.0 noreply\r\n"),
            "ERROR\r\nOK\r\nERROR hot and warm pcts must not exceed 80\r\n"
            "ERROR hot/warm age factors must be greater than 0\r\nERROR\r\nERROR\r\nERROR\r\nERROR\r\n");
}

TEST_F(AdminCommands, LruCrawlerAnswersAsMemcachedWithoutTheCrawler) {
  EXPECT_EQ(send("lru_crawler\r\nlru_crawler crawl all\r\nlru_crawler tocrawl 10\r\nlru_crawler tocrawl x\r\n"
                 "lru_crawler sleep 10\r\nlru_crawler sleep 2000000\r\nlru_crawler sleep x\r\nlru_crawler foo\r\n"
                 "lru_crawler crawl 1 2\r\nlru_crawler enable\r\nlru_crawler disable\r\n"),
            "ERROR\r\nCLIENT_ERROR lru crawler disabled\r\nOK\r\nCLIENT_ERROR bad command line format\r\nOK\r\n"
            "CLIENT_ERROR sleep must be one second or less\r\nCLIENT_ERROR bad command line format\r\nERROR\r\n"
            "ERROR\r\nOK\r\nOK\r\n");
}

TEST_F(AdminCommands, WatchIsNotAllowed) {
  EXPECT_EQ(send("watch\r\nwatch fetchers\r\nwatch noreply\r\n"),
            "CLIENT_ERROR watch commands not allowed\r\nCLIENT_ERROR watch commands not allowed\r\n");
}

TEST_F(AdminCommands, CommandsOfFeaturesNotBuiltInAreUnknown) {
  // (refresh_certs is TLS's, which memstripe has: see RefreshCerts... above.)
  EXPECT_EQ(send("extstore item_size 5\r\nmisbehave\r\ndebugtime 1\r\n"), "ERROR\r\nERROR\r\nERROR\r\n");
}

TEST_F(AdminCommands, DebugAdvanceClockMovesTheCacheClock) {
  const storage::RelTime before = clock_.now();
  EXPECT_EQ(send("debug_advance_clock 30\r\n"), "OK\r\n");
  EXPECT_EQ(clock_.now(), before + 30);
  EXPECT_EQ(send("debug_advance_clock x\r\ndebug_advance_clock\r\n"),
            "CLIENT_ERROR bad command line format\r\nERROR\r\n");
}

TEST_F(AdminCommands, DebugAdvanceClockIsUnknownWithoutTheDebugClock) {
  protocol_config_.debug_clock = false;
  reconnect();
  EXPECT_EQ(send("debug_advance_clock 30\r\n"), "ERROR\r\n");
}

TEST_F(AdminCommands, UnknownTwoLetterMetaNamesAreErrors) {
  EXPECT_EQ(send("mz\r\nmz HTTP/1.1\r\nversion\r\n"), "ERROR\r\nERROR\r\nVERSION 1.6.18\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
