// The session fuzz target is only as strict as its reply checker: it must accept what
// memcached sends, however it is split, and catch what memcached never sends.
#include "reply_checker.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace memstripe::fuzz {
namespace {

bool accepts_whole(std::string_view bytes) {
  ReplyChecker c;
  return c.feed(bytes) && c.at_reply_boundary();
}

bool accepts_bytewise(std::string_view bytes) {
  ReplyChecker c;
  for (char b : bytes) {
    if (!c.feed(std::string_view(&b, 1))) return false;
  }
  return c.at_reply_boundary();
}

TEST(ReplyChecker, AcceptsMemcachedsRepliesWholeOrByteByByte) {
  const std::string replies =
      "STORED\r\nVALUE k 5 3 77\r\na\r\n\r\nVALUE k2 0 0\r\n\r\nEND\r\nEND\r\n42\r\n"
      "CLIENT_ERROR bad data chunk\r\nERROR\r\nSTAT pid 1\r\nSTAT uptime 2\r\nEND\r\n"
      "VA 2 t-1 c9\r\nhi\r\nHD\r\nHD k0 Oab\r\nEN\r\nMN\r\nME k exp=-1 la=0 cas=1 fetch=no cls=1 size=60\r\n"
      "key=k exp=-1 la=1700000000 cas=1 fetch=no cls=1 size=60\nEND\r\n"
      "ITEM k [1 b; 0 s]\r\nEND\r\nVERSION 1.6.18\r\n";
  EXPECT_TRUE(accepts_whole(replies));
  EXPECT_TRUE(accepts_bytewise(replies));
}

TEST(ReplyChecker, RejectsAValueBlockShorterThanAnnounced) {
  EXPECT_FALSE(accepts_whole("VALUE k 0 5\r\nabc\r\nEND\r\n"));
}

TEST(ReplyChecker, RejectsAValueBlockLongerThanAnnounced) {
  EXPECT_FALSE(accepts_whole("VALUE k 0 2\r\nabc\r\nEND\r\n"));
  EXPECT_FALSE(accepts_whole("VA 2\r\nabc\r\n"));
}

TEST(ReplyChecker, RejectsALineWithoutCarriageReturn) {
  EXPECT_FALSE(accepts_whole("STORED\n"));
}

TEST(ReplyChecker, RejectsALineMemcachedNeverSends) {
  EXPECT_FALSE(accepts_whole("BOGUS\r\n"));
  EXPECT_FALSE(accepts_whole("12a\r\n"));
  EXPECT_FALSE(accepts_whole("VALUE k x 1\r\na\r\nEND\r\n"));
  EXPECT_FALSE(accepts_whole("VALUE  k 0 1\r\na\r\nEND\r\n"));
}

TEST(ReplyChecker, RejectsAGetOrListingNotEndedByEnd) {
  EXPECT_FALSE(accepts_whole("VALUE k 0 1\r\na\r\nSTORED\r\n"));
  EXPECT_FALSE(accepts_whole("STAT pid 1\r\nSTORED\r\n"));
  EXPECT_FALSE(accepts_whole("key=a exp=-1\nSTAT x 1\r\n"));
}

TEST(ReplyChecker, RejectsMalformedMetaFlags) {
  EXPECT_FALSE(accepts_whole("HD  c1\r\n"));
  EXPECT_FALSE(accepts_whole("HD c1 \r\n"));
  EXPECT_FALSE(accepts_whole("HD 1c\r\n"));
  EXPECT_TRUE(accepts_whole("HD c1 t-1\r\n"));
}

TEST(ReplyChecker, IsNotAtAReplyBoundaryInsideAReply) {
  ReplyChecker c;
  ASSERT_TRUE(c.feed("VALUE k 0 3\r\nab"));
  EXPECT_FALSE(c.at_reply_boundary());
  ASSERT_TRUE(c.feed("c\r\n"));
  EXPECT_FALSE(c.at_reply_boundary());  // END still due
  ASSERT_TRUE(c.feed("END\r\nSTO"));
  EXPECT_FALSE(c.at_reply_boundary());
  ASSERT_TRUE(c.feed("RED\r\n"));
  EXPECT_TRUE(c.at_reply_boundary());
}

TEST(ReplyChecker, DigestLeavesOutStatValuesOnly) {
  ReplyChecker a, b, c;
  ASSERT_TRUE(a.feed("STAT rusage_user 0.001\r\nSTAT 1:used_chunks 3\r\nEND\r\nVALUE k 0 1\r\na\r\nEND\r\n"));
  ASSERT_TRUE(b.feed("STAT rusage_user 0.250\r\nSTAT 1:used_chunks 2\r\nEND\r\nVALUE k 0 1\r\na\r\nEND\r\n"));
  ASSERT_TRUE(c.feed("STAT rusage_user 0.001\r\nSTAT 1:used_chunks 3\r\nEND\r\nVALUE k 0 1\r\nb\r\nEND\r\n"));
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_NE(a.digest(), c.digest());
}

}  // namespace
}  // namespace memstripe::fuzz
