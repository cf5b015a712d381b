#include "cache_aside_reply_parser.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "client/tests/pieces.h"

namespace loadgen {
namespace {

constexpr unsigned kKeySize = 8;

struct Sent {
  bool is_set;
  CacheAsideRequest request;
};

CacheAsideRequest request(std::uint64_t key, std::uint32_t size, KeyClass key_class = KeyClass::kPopular) {
  CacheAsideRequest r;
  r.key = key;
  r.value_size = size;
  r.key_class = key_class;
  return r;
}

class CacheAsideReplyParserTest : public ::testing::Test {
 protected:
  ValuePattern values{1000, 1};
  CacheAsideRequestWriter writer{kKeySize, values};

  std::string key(const CacheAsideRequest& r) const {
    std::string k(kKeySize, '?');
    write_class_key(r.key_class, r.key, kKeySize, k.data());
    return k;
  }
  std::string hit(const CacheAsideRequest& r, std::uint32_t size) const {
    return "VALUE " + key(r) + " 0 " + std::to_string(size) + "\r\n" +
           std::string(values.value(r.key_class, r.key, size)) + "\r\nEND\r\n";
  }

  // Every reply's outcome, the stream fed cut at `cuts`; nullopt when it was malformed.
  std::optional<std::vector<CacheAsideOutcome>> parse(const std::vector<Sent>& sent, const std::string& stream,
                                                      const std::vector<std::size_t>& cuts = {},
                                                      bool check_sizes = true) {
    CacheAsideReplyParser parser(writer, values, check_sizes);
    std::vector<CacheAsideOutcome> outcomes;
    bool malformed = false;
    client::testing::feed_in_pieces(stream, cuts, [&](std::string_view buffer) -> std::optional<std::size_t> {
      std::size_t pos = 0;
      while (outcomes.size() < sent.size()) {
        std::size_t consumed = 0;
        CacheAsideOutcome outcome;
        const Sent& s = sent[outcomes.size()];
        const auto status = parser.parse(s.is_set, s.request, buffer.substr(pos), consumed, outcome);
        pos += consumed;
        if (status == ParseStatus::kNeedMore) break;
        if (status == ParseStatus::kMalformed) {
          malformed = true;
          return std::nullopt;
        }
        outcomes.push_back(outcome);
      }
      return pos;
    });
    if (malformed) return std::nullopt;
    EXPECT_EQ(outcomes.size(), sent.size());
    return outcomes;
  }
};

TEST_F(CacheAsideReplyParserTest, AMissThenItsSetThenAHitSplitAtEveryByte) {
  const auto r = request(42, 300);
  const std::vector<Sent> sent{{false, r}, {true, r}, {false, r}};
  const std::string stream = "END\r\nSTORED\r\n" + hit(r, 300);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    const auto outcomes = parse(sent, stream, {cut});
    ASSERT_TRUE(outcomes) << cut;
    EXPECT_FALSE((*outcomes)[0].hit);
    EXPECT_EQ((*outcomes)[1].error, ReplyError::kNone);
    EXPECT_TRUE((*outcomes)[2].hit);
    EXPECT_EQ((*outcomes)[2].error, ReplyError::kNone);
    EXPECT_FALSE((*outcomes)[2].corrupt);
  }
}

TEST_F(CacheAsideReplyParserTest, AnotherKeysValueIsCorrupt) {
  const auto asked = request(1, 50), other = request(2, 50);
  std::string reply = hit(other, 50);
  reply.replace(6, kKeySize, key(asked));  // the key asked, the bytes of another's value
  const auto outcomes = parse({{false, asked}}, reply);
  ASSERT_TRUE(outcomes);
  EXPECT_TRUE((*outcomes)[0].corrupt);
}

TEST_F(CacheAsideReplyParserTest, AValueOfAnotherSizeIsWrongUnlessSizesMayChange) {
  const auto r = request(7, 100);
  auto outcomes = parse({{false, r}}, hit(r, 60));
  ASSERT_TRUE(outcomes);
  EXPECT_EQ((*outcomes)[0].error, ReplyError::kWrongValue);
  EXPECT_FALSE((*outcomes)[0].corrupt);
  outcomes = parse({{false, r}}, hit(r, 60), {}, false);
  ASSERT_TRUE(outcomes);
  EXPECT_EQ((*outcomes)[0].error, ReplyError::kNone);
  EXPECT_TRUE((*outcomes)[0].hit);
}

TEST_F(CacheAsideReplyParserTest, AValueForAKeyNotAskedIsMalformed) {
  EXPECT_FALSE(parse({{false, request(1, 10)}}, hit(request(2, 10), 10)));
  EXPECT_FALSE(parse({{false, request(1, 10, KeyClass::kPopular)}}, hit(request(1, 10, KeyClass::kScan), 10)));
}

TEST_F(CacheAsideReplyParserTest, ASetsErrorsAreCountedByKind) {
  const auto r = request(3, 10);
  const auto outcomes =
      parse({{true, r}, {true, r}, {false, r}}, "SERVER_ERROR out of memory storing object\r\nNOT_STORED\r\nERROR\r\n");
  ASSERT_TRUE(outcomes);
  EXPECT_EQ((*outcomes)[0].error, ReplyError::kServerError);
  EXPECT_EQ((*outcomes)[1].error, ReplyError::kNotStored);
  EXPECT_EQ((*outcomes)[2].error, ReplyError::kError);
}

TEST_F(CacheAsideReplyParserTest, TheKeysOfEachClassHaveTheirPrefix) {
  std::string key(6, '?');
  write_class_key(KeyClass::kOneHitWonder, 123, 6, key.data());
  EXPECT_EQ(key, "o00123");
  write_class_key(KeyClass::kTrace, 9, 6, key.data());
  EXPECT_EQ(key, "t00009");
}

TEST_F(CacheAsideReplyParserTest, TheWriterSetsTheKeysOwnValue) {
  auto r = request(5, 20);
  r.ttl = 30;
  std::vector<char> out;
  writer.append_get(r, out);
  writer.append_set(r, out);
  EXPECT_EQ(std::string(out.begin(), out.end()),
            "get k0000005\r\nset k0000005 0 30 20\r\n" + std::string(values.value(r.key_class, r.key, 20)) + "\r\n");
}

}  // namespace
}  // namespace loadgen
