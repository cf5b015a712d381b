#include "reply.h"

#include <gtest/gtest.h>

#include <string>

namespace soak {
namespace {

TEST(ReplyReader, ALineReplyNeedsItsWholeLine) {
  EXPECT_EQ(read_reply(ReplyKind::kLine, "STOR").status, Reply::Status::kNeedMore);
  const Reply r = read_reply(ReplyKind::kLine, "STORED\r\n");
  ASSERT_EQ(r.status, Reply::Status::kDone);
  EXPECT_EQ(r.line, "STORED");
  EXPECT_EQ(r.consumed, 8u);
}

TEST(ReplyReader, AGetReadsEveryValueThenEnd) {
  const std::string bytes = "VALUE a 5 3\r\nabc\r\nVALUE b 6 0 99\r\n\r\nEND\r\n";
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(read_reply(ReplyKind::kRetrieve, bytes.substr(0, cut)).status, Reply::Status::kNeedMore) << cut;
  }
  const Reply r = read_reply(ReplyKind::kRetrieve, bytes);
  ASSERT_EQ(r.status, Reply::Status::kDone);
  ASSERT_EQ(r.values.size(), 2u);
  EXPECT_EQ(r.values[0].key, "a");
  EXPECT_EQ(r.values[0].flags, 5u);
  EXPECT_EQ(r.values[0].data, "abc");
  EXPECT_EQ(r.values[1].cas, 99u);
  EXPECT_EQ(r.consumed, bytes.size());
}

TEST(ReplyReader, AMetaGetReadsItsValueAndFlags) {
  const Reply hit = read_reply(ReplyKind::kMetaGet, "VA 2 f77\r\nhi\r\n");
  ASSERT_EQ(hit.status, Reply::Status::kDone);
  ASSERT_EQ(hit.values.size(), 1u);
  EXPECT_EQ(hit.values[0].flags, 77u);
  EXPECT_EQ(hit.values[0].data, "hi");
  EXPECT_EQ(read_reply(ReplyKind::kMetaGet, "EN\r\n").line, "EN");
}

TEST(ReplyReader, MalformedRepliesAreReported) {
  EXPECT_EQ(read_reply(ReplyKind::kRetrieve, "VALUE a 0 3\r\nabcd\r\nEND\r\n").status, Reply::Status::kMalformed);
  EXPECT_EQ(read_reply(ReplyKind::kRetrieve, "VALUE a x 3\r\nabc\r\nEND\r\n").status, Reply::Status::kMalformed);
  EXPECT_EQ(read_reply(ReplyKind::kRetrieve, "VALUE a 0 1\r\na\r\nSTORED\r\n").status, Reply::Status::kMalformed);
  EXPECT_EQ(read_reply(ReplyKind::kLine, "STORED\n").status, Reply::Status::kMalformed);
  EXPECT_EQ(read_reply(ReplyKind::kLine, std::string(kMaxReplyLine + 1, 'x')).status, Reply::Status::kMalformed);
  EXPECT_EQ(read_reply(ReplyKind::kMetaGet, "VA 2 t5\r\nhi\r\n").status, Reply::Status::kMalformed);
}

}  // namespace
}  // namespace soak
