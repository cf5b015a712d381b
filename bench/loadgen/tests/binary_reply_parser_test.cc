#include "binary_reply_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "binary_request_writer.h"
#include "client/tests/binary_frames.h"
#include "reply_parser.h"
#include "tests/parse_in_pieces.h"

namespace loadgen {
namespace {

using namespace client::binary;
using testing::Parsed;
using testing::Request;
using client::testing::flags;
using client::testing::response;

// The binary parser behind ReplyParser, fed as a connection feeds it.
Parsed parse_binary(const std::vector<Request>& requests, const std::string& stream,
                       const std::vector<std::size_t>& cuts, long value_size = 3) {
  return testing::parse_in_pieces(requests, stream, cuts, value_size, Protocol::kBinary);
}

std::string hit(std::uint8_t opcode, std::uint32_t opaque, const std::string& key, const std::string& value = "abc") {
  return response(opcode, kSuccess, opaque, flags(0), key, value, 1);
}

// Opaques run on from request to request: a multi-get of 3 takes 4, the rest 1 each.
const std::vector<Request> kMixed = {
    {RequestKind::kGet, {1, 2, 3}},  // opaques 0..3
    {RequestKind::kSet, {4}},        // 4
    {RequestKind::kGet, {5}},        // 5
    {RequestKind::kGet, {6}},        // 6
    {RequestKind::kGet, {7, 7}},     // 7..9
};
const std::string kMixedReplies =
    hit(kGetKQ, 0, "k001") + hit(kGetKQ, 2, "k003") + response(kNoop, kSuccess, 3, "", "", "") +  // 2 hits, 1 miss
    response(kSet, kSuccess, 4, "", "", "", 9) +
    response(kGetK, kKeyNotFound, 5, "", "k005", "") +  // a miss
    hit(kGetK, 6, "k006") +
    hit(kGetKQ, 7, "k007") + hit(kGetKQ, 8, "k007") + response(kNoop, kSuccess, 9, "", "", "");  // a key asked twice

void expect_mixed(const Parsed& p) {
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 5u);
  EXPECT_EQ(p.outcomes[0].hits, 2u);
  EXPECT_EQ(p.outcomes[0].misses, 1u);
  EXPECT_EQ(p.outcomes[2].hits, 0u);
  EXPECT_EQ(p.outcomes[2].misses, 1u);
  EXPECT_EQ(p.outcomes[3].hits, 1u);
  EXPECT_EQ(p.outcomes[3].misses, 0u);
  EXPECT_EQ(p.outcomes[4].hits, 2u);
  for (const auto& o : p.outcomes) EXPECT_EQ(o.error, ReplyError::kNone);
}

TEST(BinaryReplyParser, ReadsRepliesArrivingTogether) { expect_mixed(parse_binary(kMixed, kMixedReplies, {})); }

TEST(BinaryReplyParser, ReadsRepliesSplitAtEveryByte) {
  for (std::size_t cut = 0; cut <= kMixedReplies.size(); ++cut)
    expect_mixed(parse_binary(kMixed, kMixedReplies, {cut}));
}

TEST(BinaryReplyParser, ReadsRepliesArrivingAByteAtATime) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kMixedReplies.size(); ++i) cuts.push_back(i);
  expect_mixed(parse_binary(kMixed, kMixedReplies, cuts));
}

TEST(BinaryReplyParser, AGetIsOverWhenItsValueIs) {
  // The GETK hit's reply ends with its value: the set's response after it is not read
  // as part of it, whichever read the value's last byte comes in.
  const std::vector<Request> requests = {{RequestKind::kGet, {1}}, {RequestKind::kSet, {2}}};
  const std::string stream = hit(kGetK, 0, "k001") + response(kSet, kSuccess, 1, "", "", "");
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const auto p = parse_binary(requests, stream, {cut});
    ASSERT_EQ(p.outcomes.size(), 2u) << cut;
    EXPECT_EQ(p.outcomes[0].hits, 1u);
  }
}

TEST(BinaryReplyParser, CountsErrorRepliesAndGoesOn) {
  const std::vector<Request> requests = {{RequestKind::kSet, {1}}, {RequestKind::kSet, {2}},
                                         {RequestKind::kGet, {3}}, {RequestKind::kGet, {4}},
                                         {RequestKind::kGet, {5, 6}}, {RequestKind::kSet, {7}},
                                         {RequestKind::kSet, {8}}, {RequestKind::kSet, {9}}};
  const auto p = parse_binary(requests,
                                 response(kSet, kOutOfMemory, 0, "", "", "Out of memory") +
                                     response(kSet, kNotStored, 1, "", "", "Not stored.") +
                                     response(kGetK, kInvalidArguments, 2, "", "", "Invalid arguments") +
                                     response(kGetK, kUnknownCommand, 3, "", "", "Unknown command") +
                                     // the multi-get's first key fails, its second hits
                                     response(kGetKQ, kBusy, 4, "", "", "Busy") + hit(kGetKQ, 5, "k006") +
                                     response(kNoop, kSuccess, 6, "", "", "") +
                                     response(kSet, kKeyExists, 7, "", "", "Data exists for key.") +
                                     response(kSet, kTooLarge, 8, "", "", "Too large.") +
                                     response(kSet, kSuccess, 9, "", "", ""),
                                 {});
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 8u);
  EXPECT_EQ(p.outcomes[0].error, ReplyError::kServerError);
  EXPECT_EQ(p.outcomes[1].error, ReplyError::kNotStored);
  EXPECT_EQ(p.outcomes[2].error, ReplyError::kClientError);
  EXPECT_EQ(p.outcomes[3].error, ReplyError::kError);
  EXPECT_EQ(p.outcomes[4].error, ReplyError::kServerError);
  EXPECT_EQ(p.outcomes[4].hits, 1u);
  EXPECT_EQ(p.outcomes[5].error, ReplyError::kNotStored);
  EXPECT_EQ(p.outcomes[6].error, ReplyError::kServerError);  // as text's SERVER_ERROR object too large
  EXPECT_EQ(p.outcomes[7].error, ReplyError::kNone);
}

TEST(BinaryReplyParser, AValueOfTheWrongSizeIsAnErrorButNotLost) {
  const std::vector<Request> requests = {{RequestKind::kGet, {1}}, {RequestKind::kSet, {2}}};
  const auto p = parse_binary(requests, hit(kGetK, 0, "k001", "hello") + response(kSet, kSuccess, 1, "", "", ""), {});
  ASSERT_FALSE(p.malformed);
  ASSERT_EQ(p.outcomes.size(), 2u);
  EXPECT_EQ(p.outcomes[0].error, ReplyError::kWrongValue);
  EXPECT_EQ(p.outcomes[0].hits, 1u);
  EXPECT_EQ(p.outcomes[1].error, ReplyError::kNone);
  const auto any = parse_binary({{RequestKind::kGet, {1}}}, hit(kGetK, 0, "k001", "hello"), {}, -1);
  ASSERT_EQ(any.outcomes.size(), 1u);
  EXPECT_EQ(any.outcomes[0].error, ReplyError::kNone);
}

TEST(BinaryReplyParser, WhatDoesNotAnswerTheRequestIsMalformed) {
  const std::vector<Request> get = {{RequestKind::kGet, {1}}};
  const std::vector<Request> multi = {{RequestKind::kGet, {1, 2}}};
  const std::vector<Request> set = {{RequestKind::kSet, {1}}};
  const std::string noop_2 = response(kNoop, kSuccess, 2, "", "", "");
  for (const auto& [requests, stream] : std::vector<std::pair<std::vector<Request>, std::string>>{
           {get, hit(kGetK, 1, "k001")},                                  // another opaque
           {get, hit(kGet, 0, "k001")},                                   // another opcode
           {get, hit(kGetK, 0, "k002")},                                  // another key
           {get, response(kGetK, kKeyNotFound, 0, "", "k002", "")},       // a miss of another key
           {get, response(kGetK, kKeyNotFound, 0, "", "", "Not found")},  // a miss without its key
           {get, response(kGetK, 0x00ff, 0, "", "", "")},                 // a status memcached has not
           {set, response(kSet, kSuccess, 1, "", "", "")},                // another opaque
           {set, response(kAdd, kSuccess, 0, "", "", "")},                // another opcode
           {multi, hit(kGetKQ, 1, "k001") + noop_2},                      // the key of another frame
           {multi, hit(kGetKQ, 1, "k002") + hit(kGetKQ, 0, "k001") + noop_2},  // out of order
           {multi, response(kGetKQ, kKeyNotFound, 0, "", "k001", "") + noop_2},  // a quiet miss answered
           {multi, response(kNoop, kSuccess, 1, "", "", "")},             // the noop's opaque is 2
           {multi, response(kGetK, kSuccess, 0, flags(0), "k001", "abc") + noop_2},  // not quiet
           {get, response(kGetK, kSuccess, 0, flags(0), "k001", "abc", 0, kRequestMagic)},  // magic 0x80
       }) {
    EXPECT_TRUE(parse_binary(requests, stream, {}).malformed);
  }
}

}  // namespace
}  // namespace loadgen
