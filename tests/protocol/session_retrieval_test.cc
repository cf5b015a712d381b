// get, gets, gat, gats (and memcached's old alias bget) through a Session.
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using RetrievalCommands = SessionTest;

TEST_F(RetrievalCommands, GetMissAnswersEnd) { EXPECT_EQ(send("get nothing\r\n"), "END\r\n"); }

TEST_F(RetrievalCommands, MultiGetAnswersHitsInRequestOrderAndRepeats) {
  send("set a 1 0 1\r\nA\r\nset b 2 0 2\r\nBB\r\n");
  EXPECT_EQ(send("get b missing a b\r\n"),
            "VALUE b 2 2\r\nBB\r\nVALUE a 1 1\r\nA\r\nVALUE b 2 2\r\nBB\r\nEND\r\n");
}

TEST_F(RetrievalCommands, GetsAddsTheCasUnique) {
  send("set a 1 0 1\r\nA\r\n");
  EXPECT_EQ(send("gets a\r\n"), "VALUE a 1 1 " + std::to_string(cas_of("a")) + "\r\nA\r\nEND\r\n");
}

TEST_F(RetrievalCommands, BgetIsGet) {
  send("set a 1 0 1\r\nA\r\n");
  EXPECT_EQ(send("bget a\r\n"), "VALUE a 1 1\r\nA\r\nEND\r\n");
}

TEST_F(RetrievalCommands, GetWithoutKeysIsAnError) {
  EXPECT_EQ(send("get\r\ngets\r\ngat 10\r\ngats\r\n"), "ERROR\r\nERROR\r\nEND\r\nERROR\r\n");
}

TEST_F(RetrievalCommands, NoreplyIsJustAKeyToGet) {
  send("set noreply 0 0 1\r\nn\r\n");
  EXPECT_EQ(send("get noreply\r\n"), "VALUE noreply 0 1\r\nn\r\nEND\r\n");
}

TEST_F(RetrievalCommands, AKeyOf250BytesIsServedAndOneOf251RefusesTheWholeGet) {
  const std::string k250(250, 'k');
  send("set " + k250 + " 0 0 1\r\nx\r\nset a 0 0 1\r\nA\r\n");
  EXPECT_EQ(send("get " + k250 + "\r\n"), "VALUE " + k250 + " 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("get a " + std::string(251, 'k') + " a\r\nget a\r\n"),
            "CLIENT_ERROR bad command line format\r\nVALUE a 0 1\r\nA\r\nEND\r\n");
}

TEST_F(RetrievalCommands, MultiGetTakesMoreThanTwentyFourKeys) {
  send("set a 0 0 1\r\nx\r\n");
  std::string line = "get";
  for (int i = 0; i < 30; ++i) line += " b";
  EXPECT_EQ(send(line + " a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\n");
  EXPECT_EQ(send("get" + std::string(" b").append(" b").append(std::string(60, ' ')) + "a  \r\n"),
            "VALUE a 0 1\r\nx\r\nEND\r\n");
}

TEST_F(RetrievalCommands, ATooLongKeyPastTheTwentyThirdTokenStillRefusesTheGet) {
  std::string line = "get";
  for (int i = 0; i < 30; ++i) line += " a";
  EXPECT_EQ(send(line + " " + std::string(251, 'k') + "\r\n"), "CLIENT_ERROR bad command line format\r\n");
}

TEST_F(RetrievalCommands, KeysMayHoldControlBytesTabsAndHighBytes) {
  EXPECT_EQ(send("set a\tb 0 0 1\r\nx\r\nget a\tb\r\nget a\r\n"), "STORED\r\nVALUE a\tb 0 1\r\nx\r\nEND\r\nEND\r\n");
  EXPECT_EQ(send("set \x01\x80\xff 0 0 1\r\ny\r\nget \x01\x80\xff\r\n"),
            "STORED\r\nVALUE \x01\x80\xff 0 1\r\ny\r\nEND\r\n");
  EXPECT_EQ(send("set a\rb 0 0 1\r\nz\r\nget a\rb\r\n"), "STORED\r\nVALUE a\rb 0 1\r\nz\r\nEND\r\n");
}

TEST_F(RetrievalCommands, ANulEndsTheKeyList) {
  send("set a 0 0 1\r\nx\r\nset b 0 0 1\r\ny\r\n");
  EXPECT_EQ(send(std::string("get a\0b c\r\n", 11)), "VALUE a 0 1\r\nx\r\nEND\r\n");
}

TEST_F(RetrievalCommands, LargeValuesAreSentWhole) {
  const std::string big(100000, 'v');
  send("set big 0 0 100000\r\n" + big + "\r\n");
  EXPECT_EQ(send("get big big\r\n"), "VALUE big 0 100000\r\n" + big + "\r\nVALUE big 0 100000\r\n" + big + "\r\nEND\r\n");
}

TEST_F(RetrievalCommands, GatTouchesAndAnswersLikeGet) {
  send("set a 1 0 1\r\nA\r\n");
  EXPECT_EQ(send("gat 100 a\r\n"), "VALUE a 1 1\r\nA\r\nEND\r\n");
  EXPECT_EQ(send("gats 100 a b\r\n"), "VALUE a 1 1 " + std::to_string(cas_of("a")) + "\r\nA\r\nEND\r\n");
  EXPECT_EQ(send("debug_advance_clock 99\r\nget a\r\n"), "OK\r\nVALUE a 1 1\r\nA\r\nEND\r\n");
  EXPECT_EQ(send("debug_advance_clock 2\r\nget a\r\n"), "OK\r\nEND\r\n");
}

TEST_F(RetrievalCommands, GatWithANegativeExptimeExpiresTheItem) {
  send("set a 0 0 1\r\nx\r\n");
  EXPECT_EQ(send("gat -1 a\r\nget a\r\n"), "VALUE a 0 1\r\nx\r\nEND\r\nEND\r\n");
}

TEST_F(RetrievalCommands, GatWithABadExptimeIsAnError) {
  EXPECT_EQ(send("gat x a\r\n"), "CLIENT_ERROR invalid exptime argument\r\n");
}

TEST_F(RetrievalCommands, GetCountsKeysAsCmdGetAndGatCountsThemAsCmdTouch) {
  send("set a 0 0 1\r\nx\r\nget a b c\r\ngets a\r\ngat 10 a b\r\ntouch a 10\r\n");
  EXPECT_EQ(server_.commands.cmd_get.get(), 4u);
  EXPECT_EQ(server_.commands.cmd_touch.get(), 3u);
  const storage::CacheStats stats = cache_->stats();
  EXPECT_EQ(stats.get_hits, 2u);
  EXPECT_EQ(stats.get_misses, 2u);
  EXPECT_EQ(stats.touch_hits, 2u);
  EXPECT_EQ(stats.touch_misses, 1u);
}

}  // namespace
}  // namespace memstripe::protocol::testing
