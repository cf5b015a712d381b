// mg through a Session: hits, misses, every flag with its exact reply bytes, and the
// serve-stale-while-revalidate flags (N, R, I's stale items, W X Z), as memcached 1.6.18.
#include <cstdint>
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using MetaGet = SessionTest;

std::string cas(std::uint64_t value) { return std::to_string(value); }

TEST_F(MetaGet, AMissAnswersEN) { EXPECT_EQ(send("mg nothing v\r\n"), "EN\r\n"); }

TEST_F(MetaGet, AMissEchoesOnlyTheOpaqueAndTheKeyInRequestOrder) {
  EXPECT_EQ(send("mg nothing v t Oab c k s\r\n"), "EN Oab knothing\r\n");
  EXPECT_EQ(send("mg nothing k Oab\r\n"), "EN knothing Oab\r\n");
}

TEST_F(MetaGet, AHitWithoutVAnswersHD) {
  send("set k 0 0 5\r\nhello\r\n");
  EXPECT_EQ(send("mg k\r\n"), "HD\r\n");
}

TEST_F(MetaGet, VReturnsTheValueWithItsLength) {
  send("set k 0 0 5\r\nhello\r\n");
  EXPECT_EQ(send("mg k v\r\n"), "VA 5\r\nhello\r\n");
}

TEST_F(MetaGet, ReturnFlagsComeInRequestOrder) {
  send("set k 7 0 5\r\nhello\r\n");
  const std::string c = cas(cas_of("k"));
  EXPECT_EQ(send("mg k s v t f c k Oxy h l\r\n"), "VA 5 s5 t-1 f7 c" + c + " kk Oxy h0 l0\r\nhello\r\n");
  EXPECT_EQ(send("mg k Oxy k c f t s\r\n"), "HD Oxy kk c" + c + " f7 t-1 s5\r\n");
}

TEST_F(MetaGet, ALargeValueComesBackWhole) {
  const std::string value(100000, 'v');
  send("set big 0 0 100000\r\n" + value + "\r\n");
  EXPECT_EQ(send("mg big v s\r\n"), "VA 100000 s100000\r\n" + value + "\r\n");
}

TEST_F(MetaGet, QuietHidesOnlyTheMiss) {
  send("set k 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("mg nothing q v Oa k\r\nmg k q v Ob\r\nmn\r\n"), "VA 1 Ob\r\nx\r\nMN\r\n");
}

TEST_F(MetaGet, QuietNeverHidesAnError) {
  EXPECT_EQ(send("mg k q Zz\r\nmg k q Tx\r\n"), "CLIENT_ERROR invalid flag\r\nCLIENT_ERROR bad token in command line format\r\n");
}

TEST_F(MetaGet, AnOpaqueOf32BytesIsEchoedAndALongerOneRefused) {
  const std::string longest = "O" + std::string(31, 'o');
  EXPECT_EQ(send("mg nothing " + longest + "\r\n"), "EN " + longest + "\r\n");
  EXPECT_EQ(send("mg nothing " + longest + "o q\r\n"), "CLIENT_ERROR opaque token too long\r\n");
  EXPECT_EQ(send("mg nothing O\r\n"), "EN O\r\n");
}

TEST_F(MetaGet, ALongOpaqueChangesNothing) {
  // memcached would vivify (and touch a hit) before noticing; memstripe refuses first.
  const std::string too_long = "O" + std::string(32, 'o');
  EXPECT_EQ(send("mg k N30 " + too_long + "\r\nmg k\r\n"), "CLIENT_ERROR opaque token too long\r\nEN\r\n");
}

TEST_F(MetaGet, FlagsThatMemcached1618DoesNotKnowAreRefused) {
  EXPECT_EQ(send("mg k E\r\nmg k S\r\nmg k x\r\n"),
            "CLIENT_ERROR invalid flag\r\nCLIENT_ERROR invalid flag\r\nCLIENT_ERROR invalid flag\r\n");
}

TEST_F(MetaGet, ProxyHintsPAndLAreIgnored) {
  send("set k 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("mg k P/path Lx s\r\n"), "HD s1\r\n");
}

TEST_F(MetaGet, ErrorsComeInMemcachedsOrder) {
  const std::string seventeen = " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";
  EXPECT_EQ(send("mg\r\n"), "ERROR\r\n");
  EXPECT_EQ(send("mg " + std::string(251, 'k') + " Zz\r\n"), "CLIENT_ERROR bad command line format\r\n");
  EXPECT_EQ(send("mg k" + seventeen + " 18\r\n"), "CLIENT_ERROR options flags are too long\r\n");
  EXPECT_EQ(send("mg k v v\r\n"), "CLIENT_ERROR duplicate flag\r\n");
  EXPECT_EQ(send("mg k Fx\r\n"), "CLIENT_ERROR bad command line format\r\n");
}

// --- TTL: t, T, and the order they come in ---------------------------------------------

TEST_F(MetaGet, TShowsTheTtlLeftAndMinusOneForNever) {
  send("set forever 0 0 1\r\nx\r\nset later 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("mg forever t\r\nmg later t\r\n"), "HD t-1\r\nHD t100\r\n");
  clock_.advance(40);
  EXPECT_EQ(send("mg later t\r\n"), "HD t60\r\n");
}

TEST_F(MetaGet, ATBeforeTouchShowsTheOldTtlAndAfterTheNew) {
  send("set k 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("mg k t T50\r\n"), "HD t100\r\n");
  EXPECT_EQ(send("mg k t\r\n"), "HD t50\r\n");
  EXPECT_EQ(send("mg k T70 t\r\n"), "HD t70\r\n");
}

TEST_F(MetaGet, AfterTMinusOneTheTtlPrintsAsAnUnsigned32BitNumber) {
  send("set k 0 100 1\r\nx\r\n");
  const auto shown = static_cast<std::uint32_t>(storage::Clock::kAlreadyExpired - clock_.now());
  EXPECT_EQ(send("mg k T-1 t\r\nmg k\r\n"), "HD t" + std::to_string(shown) + "\r\nEN\r\n");
}

TEST_F(MetaGet, TouchingCountsAsATouchAndAMissAsAGet) {
  send("set k 0 0 1\r\nx\r\n");
  send("mg k T10\r\nmg k\r\nmg nothing T10\r\n");
  EXPECT_EQ(server_.commands.cmd_touch.get(), 1u);
  EXPECT_EQ(server_.commands.cmd_get.get(), 2u);
}

// --- h, l, u -----------------------------------------------------------------------------

TEST_F(MetaGet, HAndLShowTheItemBeforeThisAccess) {
  send("set k 0 0 1\r\nx\r\n");
  clock_.advance(5);
  EXPECT_EQ(send("mg k h l\r\n"), "HD h0 l5\r\n");
  EXPECT_EQ(send("mg k h l\r\n"), "HD h1 l0\r\n");
}

TEST_F(MetaGet, UReadsWithoutMarkingTheItemFetched) {
  send("set k 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("mg k h u\r\nmg k h u\r\nmg k h\r\nmg k h\r\n"), "HD h0\r\nHD h0\r\nHD h0\r\nHD h1\r\n");
}

// --- N, R and stale items: who recomputes the value ------------------------------------------

TEST_F(MetaGet, NCreatesAnEmptyItemOnAMissAndTheCreatorWins) {
  EXPECT_EQ(send("mg k N30 v t s\r\n"), "VA 0 t30 s0 W\r\n\r\n");
  EXPECT_EQ(send("mg k N30 v t\r\n"), "VA 0 t30 Z\r\n\r\n");
  EXPECT_EQ(send("get k\r\n"), "VALUE k 0 0\r\n\r\nEND\r\n");
}

TEST_F(MetaGet, OnANewItemTheLaterOfNAndTSetsTheTtl) {
  EXPECT_EQ(send("mg a t N30 T40\r\nmg a t\r\n"), "HD t-1 W\r\nHD t40 Z\r\n");
  EXPECT_EQ(send("mg b t T40 N30\r\nmg b t\r\n"), "HD t-1 W\r\nHD t30 Z\r\n");
  EXPECT_EQ(send("mg c N30 t T40\r\nmg c t\r\n"), "HD t30 W\r\nHD t40 Z\r\n");
  EXPECT_EQ(send("mg d T40 t N30\r\nmg d t\r\n"), "HD t40 W\r\nHD t30 Z\r\n");
}

TEST_F(MetaGet, NOnAHitOnlyReads) {
  send("set k 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("mg k N30 t v\r\n"), "VA 1 t100\r\nx\r\n");
}

TEST_F(MetaGet, RWinsOnceWhenTheTtlLeftIsBelowItsToken) {
  send("set k 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("mg k R30 t\r\n"), "HD t100\r\n");
  clock_.advance(80);
  EXPECT_EQ(send("mg k R30 t\r\n"), "HD t20 W\r\n");
  EXPECT_EQ(send("mg k R30 t\r\n"), "HD t20 Z\r\n");
  EXPECT_EQ(send("mg k t\r\n"), "HD t20 Z\r\n");
}

TEST_F(MetaGet, RComparesWithTheTtlATBeforeItSet) {
  send("set k 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("mg k R90 T50\r\n"), "HD\r\n");  // R saw 100
  send("set j 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("mg j T50 R90\r\n"), "HD W\r\n");  // R saw 50
}

TEST_F(MetaGet, RNeverWinsOnAnItemWithoutTtl) {
  send("set k 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("mg k R30\r\n"), "HD\r\n");
}

TEST_F(MetaGet, AnInvalidatedItemIsServedStaleAndTheFirstReaderWins) {
  send("set k 0 100 1\r\nx\r\n");
  EXPECT_EQ(send("md k I\r\n"), "HD\r\n");
  EXPECT_EQ(send("mg k v\r\n"), "VA 1 X W\r\nx\r\n");
  EXPECT_EQ(send("mg k v\r\n"), "VA 1 Z X\r\nx\r\n");
  // A new value clears it.
  EXPECT_EQ(send("ms k 1\r\ny\r\nmg k v\r\n"), "HD\r\nVA 1\r\ny\r\n");
}

// --- keys ----------------------------------------------------------------------------------

TEST_F(MetaGet, ABase64KeyIsDecodedAndShownEncoded) {
  send("set plain 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("mg cGxhaW4= b k v\r\n"), "VA 1 kplain\r\nx\r\n");  // stored plain: shown plain
  EXPECT_EQ(send("mg YQ== b k\r\n"), "EN kYQ== b\r\n");
  EXPECT_EQ(send("mg QQ==QUJD b k\r\n"), "EN kQQ== b\r\n");  // memcached's decoder's reading
}

TEST_F(MetaGet, AKeyStoredInBase64IsShownInBase64EvenByItsPlainName) {
  EXPECT_EQ(send("ms Zm9v 3 b\r\nbar\r\n"), "HD\r\n");
  EXPECT_EQ(send("mg foo k v\r\n"), "VA 3 kZm9v b\r\nbar\r\n");
  EXPECT_EQ(send("get foo\r\n"), "VALUE foo 0 3\r\nbar\r\nEND\r\n");
}

TEST_F(MetaGet, BadBase64IsAnErrorOfItsOwn) {
  EXPECT_EQ(send("mg Zm9 b\r\n"), "CLIENT_ERROR error decoding key\r\n");
}

TEST_F(MetaGet, KeysMayHoldControlBytes) {
  send("set a\tb 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("mg a\tb k v\r\n"), "VA 1 ka\tb\r\nx\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
