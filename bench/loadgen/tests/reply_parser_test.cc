#include "reply_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/parse_in_pieces.h"

namespace loadgen {
namespace {

using testing::parse_in_pieces;
using testing::Parsed;
using testing::Request;

const std::vector<Request> kMixed = {
    {RequestKind::kGet, {1, 2, 3}},
    {RequestKind::kSet, {4}},
    {RequestKind::kGet, {5}},
    {RequestKind::kGet, {6, 6}},
};
const std::string kMixedReplies =
    "VALUE k001 0 3\r\nabc\r\nVALUE k003 7 3 99\r\n\r\n\r\r\nEND\r\n"  // 2 hits, 1 miss
    "STORED\r\n"
    "END\r\n"                                                         // a miss
    "VALUE k006 0 3\r\nxyz\r\nVALUE k006 0 3\r\nxyz\r\nEND\r\n";      // a key asked twice

void expect_mixed(const Parsed& p) {
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 4u);
  EXPECT_EQ(p.outcomes[0].hits, 2u);
  EXPECT_EQ(p.outcomes[0].misses, 1u);
  EXPECT_EQ(p.outcomes[1].error, ReplyError::kNone);
  EXPECT_EQ(p.outcomes[2].hits, 0u);
  EXPECT_EQ(p.outcomes[2].misses, 1u);
  EXPECT_EQ(p.outcomes[3].hits, 2u);
  for (const auto& o : p.outcomes) EXPECT_EQ(o.error, ReplyError::kNone);
}

TEST(ReplyParser, ReadsRepliesArrivingTogether) { expect_mixed(parse_in_pieces(kMixed, kMixedReplies, {})); }

TEST(ReplyParser, ReadsRepliesSplitAtEveryByte) {
  for (std::size_t cut = 0; cut <= kMixedReplies.size(); ++cut)
    expect_mixed(parse_in_pieces(kMixed, kMixedReplies, {cut}));
}

TEST(ReplyParser, ReadsRepliesArrivingAByteAtATime) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kMixedReplies.size(); ++i) cuts.push_back(i);
  expect_mixed(parse_in_pieces(kMixed, kMixedReplies, cuts));
}

TEST(ReplyParser, CountsErrorRepliesAndGoesOn) {
  const std::vector<Request> requests = {{RequestKind::kSet, {1}}, {RequestKind::kSet, {2}},
                                         {RequestKind::kGet, {3}}, {RequestKind::kGet, {4}},
                                         {RequestKind::kSet, {5}}};
  const auto p = parse_in_pieces(requests,
                                 "SERVER_ERROR out of memory storing object\r\nNOT_STORED\r\n"
                                 "CLIENT_ERROR bad command line format\r\nERROR\r\nSTORED\r\n",
                                 {});
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 5u);
  EXPECT_EQ(p.outcomes[0].error, ReplyError::kServerError);
  EXPECT_EQ(p.outcomes[1].error, ReplyError::kNotStored);
  EXPECT_EQ(p.outcomes[2].error, ReplyError::kClientError);
  EXPECT_EQ(p.outcomes[3].error, ReplyError::kError);
  EXPECT_EQ(p.outcomes[4].error, ReplyError::kNone);
}

TEST(ReplyParser, AValueOfTheWrongSizeIsAnErrorButNotLost) {
  const std::vector<Request> requests = {{RequestKind::kGet, {1}}, {RequestKind::kSet, {2}}};
  const auto p = parse_in_pieces(requests, "VALUE k001 0 5\r\nhello\r\nEND\r\nSTORED\r\n", {});
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 2u);
  EXPECT_EQ(p.outcomes[0].error, ReplyError::kWrongValue);
  EXPECT_EQ(p.outcomes[0].hits, 1u);
  EXPECT_EQ(p.outcomes[1].error, ReplyError::kNone);
}

TEST(ReplyParser, AnySizeIsAcceptedWhenNoneIsExpected) {
  const auto p = parse_in_pieces({{RequestKind::kGet, {1}}}, "VALUE k001 0 5\r\nhello\r\nEND\r\n", {}, -1);
  ASSERT_EQ(p.outcomes.size(), 1u);
  EXPECT_EQ(p.outcomes[0].error, ReplyError::kNone);
}

TEST(ReplyParser, AKeyNotAskedForIsMalformed) {
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kGet, {1}}}, "VALUE k002 0 3\r\nabc\r\nEND\r\n", {}).malformed);
}

TEST(ReplyParser, KeysOutOfOrderAreMalformed) {
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kGet, {1, 2}}},
                              "VALUE k002 0 3\r\nabc\r\nVALUE k001 0 3\r\nabc\r\nEND\r\n", {})
                  .malformed);
}

TEST(ReplyParser, ADataBlockWithoutItsCrLfIsMalformed) {
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kGet, {1}}}, "VALUE k001 0 3\r\nabcdEND\r\n", {}).malformed);
}

TEST(ReplyParser, AStrayLineIsMalformed) {
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kSet, {1}}}, "END\r\n", {}).malformed);
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kGet, {1}}}, "STORED\r\n", {}).malformed);
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kGet, {1}}}, "END\n", {}).malformed);
}

TEST(ReplyParser, ALineThatNeverEndsIsMalformed) {
  EXPECT_TRUE(parse_in_pieces({{RequestKind::kGet, {1}}}, std::string(ReplyParser::kMaxLine + 1, 'x'), {})
                  .malformed);
}

TEST(ReplyParser, ALargeValueStreamsThroughInPieces) {
  const std::string value(100000, 'v');
  const std::string stream = "VALUE k001 0 100000\r\n" + value + "\r\nEND\r\n";
  const auto p = parse_in_pieces({{RequestKind::kGet, {1}}}, stream, {100, 4096, 65536, 99000}, 100000);
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 1u);
  EXPECT_EQ(p.outcomes[0].hits, 1u);
}

}  // namespace
}  // namespace loadgen
