// mn and me through a Session.
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using MetaNoopAndDebug = SessionTest;

TEST_F(MetaNoopAndDebug, MnAnswersMNWhateverFollowsIt) { EXPECT_EQ(send("mn\r\nmn x y\r\n"), "MN\r\nMN\r\n"); }

TEST_F(MetaNoopAndDebug, OtherTwoLetterMCommandsAreUnknown) { EXPECT_EQ(send("mz k\r\nmgx k\r\n"), "ERROR\r\nERROR\r\n"); }

TEST_F(MetaNoopAndDebug, MeAMissAnswersEN) { EXPECT_EQ(send("me nothing\r\n"), "EN\r\n"); }

TEST_F(MetaNoopAndDebug, MeShowsWhatLruCrawlerMetadumpShowsOfTheItem) {
  send("ms k 5 T100 F3\r\nhello\r\n");
  const std::string dump = send("lru_crawler metadump all\r\n");
  const std::string cls = dump.substr(dump.find(" cls=") + 1, dump.find(" size=") - dump.find(" cls=") - 1);
  const std::string size = dump.substr(dump.find(" size="), dump.find('\n') - dump.find(" size="));
  ASSERT_EQ(size, " size=" + std::to_string(26 + 4 + 1 + 5));  // header, flags, key, value
  clock_.advance(10);
  EXPECT_EQ(send("me k\r\n"),
            "ME k exp=90 la=10 cas=" + std::to_string(cas_of("k")) + " fetch=no " + cls + size + "\r\n");
}

TEST_F(MetaNoopAndDebug, MeShowsNeverExpiringAsMinusOneAndDoesNotBump) {
  send("ms k 1\r\nx\r\n");
  const std::string c = std::to_string(cas_of("k"));
  EXPECT_EQ(send("me k\r\n").substr(0, 22 + c.size()), "ME k exp=-1 la=0 cas=" + c + " ");
  EXPECT_EQ(send("mg k h\r\n"), "HD h0\r\n");
  EXPECT_NE(send("me k\r\n").find(" fetch=yes "), std::string::npos);
}

TEST_F(MetaNoopAndDebug, MeShowsABase64KeyInBase64) {
  send("ms Zm9v 1 b\r\nx\r\n");
  EXPECT_EQ(send("me foo\r\n").substr(0, 13), "ME Zm9v exp=-");
  EXPECT_EQ(send("me Zm9v b\r\n").substr(0, 13), "ME Zm9v exp=-");
  EXPECT_EQ(send("me Zm9v\r\n"), "EN\r\n");
}

TEST_F(MetaNoopAndDebug, MeErrors) {
  EXPECT_EQ(send("me\r\nme " + std::string(251, 'k') + "\r\nme Zm9 b\r\n"),
            "CLIENT_ERROR bad command line format\r\nCLIENT_ERROR bad command line format\r\n"
            "CLIENT_ERROR bad command line format\r\n");
}

TEST_F(MetaNoopAndDebug, OnlyMeCountsAsAMetaCommand) {
  send("ms k 1\r\nx\r\nmg k\r\nmd k\r\nma k\r\nmn\r\nme k\r\nme k\r\n");
  EXPECT_EQ(server_.commands.cmd_meta.get(), 2u);
}

}  // namespace
}  // namespace memstripe::protocol::testing
