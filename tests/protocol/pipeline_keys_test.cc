// The scanners that find a pipeline's keys for the cache's prefetch: the keys in order,
// and a stop, never a wrong step, at what they cannot read.
#include "protocol/pipeline_keys.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "binary_frames.h"

namespace memstripe::protocol {
namespace {

using testing::Frame;

std::vector<std::string> text_keys(std::string_view input, std::size_t room = 16) {
  std::array<std::string_view, 64> keys;
  const std::size_t n = text_pipeline_keys(input, std::span(keys.data(), room));
  return {keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(n)};
}

std::vector<std::string> binary_keys(std::string_view input, std::size_t room = 16) {
  std::array<std::string_view, 64> keys;
  const std::size_t n = binary_pipeline_keys(input, std::span(keys.data(), room));
  return {keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(n)};
}

using Keys = std::vector<std::string>;

TEST(TextPipelineKeys, EveryCommandFamilyNamesItsKeys) {
  EXPECT_EQ(text_keys("get a\r\ngets b c\r\ngat 10 d e\r\nmg f v\r\ndelete g\r\nincr h 1\r\ntouch i 5\r\n"),
            (Keys{"a", "b", "c", "d", "e", "f", "g", "h", "i"}));
}

TEST(TextPipelineKeys, OneRequestOfOneKeyIsNotScanned) {
  EXPECT_EQ(text_keys("get a\r\n"), Keys{});
  EXPECT_EQ(text_keys("mg a v t\r\n"), Keys{});
  EXPECT_EQ(text_keys("get a b\r\n"), (Keys{"a", "b"}));
  EXPECT_EQ(text_keys("get a\r\nget b\r\n"), (Keys{"a", "b"}));
}

TEST(TextPipelineKeys, StepsOverDataBlocks) {
  // A data block that looks like commands is a value, not keys.
  EXPECT_EQ(text_keys("set a 0 0 11\r\nget x y z\r\n\r\nms b 3 T0\r\nabc\r\ncas c 0 0 1 7\r\n1\r\nget d\r\n"),
            (Keys{"a", "b", "c", "d"}));
}

TEST(TextPipelineKeys, StopsAtWhatItCannotStepOver) {
  EXPECT_EQ(text_keys("get a\r\nverbosity 1\r\nget b\r\n"), (Keys{"a"}));
  EXPECT_EQ(text_keys("get a\r\nset b 0 0 nine\r\nget c\r\n"), (Keys{"a", "b"}));
  // The block has not all arrived: what follows it is unknown.
  EXPECT_EQ(text_keys("set a 0 0 100\r\nshort\r\nget b\r\n"), (Keys{"a"}));
  EXPECT_EQ(text_keys("get a\r\nget b"), (Keys{"a"}));  // no line end yet
}

TEST(TextPipelineKeys, FillsNoMoreThanItsRoomAndSkipsImpossibleKeys) {
  EXPECT_EQ(text_keys("get a b c d e\r\n", 3), (Keys{"a", "b", "c"}));
  const std::string too_long(251, 'k');
  EXPECT_EQ(text_keys("get " + too_long + " b\r\n"), (Keys{"b"}));
  // More keys than the tokenizer's 23 tokens: the rest of the line is walked too.
  std::string line = "get";
  Keys expected;
  for (int i = 0; i < 30; ++i) {
    line += " k" + std::to_string(i);
    expected.push_back("k" + std::to_string(i));
  }
  EXPECT_EQ(text_keys(line + "\r\n", 64), expected);
}

TEST(BinaryPipelineKeys, KeysOfCompleteHeadersInOrder) {
  const std::string input = Frame(binary::kGetKQ, "a").bytes() + Frame(binary::kNoop).bytes() +
                            Frame(binary::kSet, "b", std::string(8, '\0'), "value").bytes() +
                            Frame(binary::kGetK, "c").bytes();
  EXPECT_EQ(binary_keys(input), (Keys{"a", "b", "c"}));
  EXPECT_EQ(binary_keys(input, 2), (Keys{"a", "b"}));
}

TEST(BinaryPipelineKeys, StopsAtATruncatedOrMalformedRequest) {
  const std::string get_a = Frame(binary::kGetK, "a").bytes();
  const std::string set_b = Frame(binary::kSet, "b", std::string(8, '\0'), "value").bytes();
  // The set's key has arrived but not its value: its key counts, nothing after it.
  EXPECT_EQ(binary_keys(get_a + set_b.substr(0, set_b.size() - 2) + get_a), (Keys{"a", "b"}));
  EXPECT_EQ(binary_keys(get_a + get_a.substr(0, 10)), (Keys{"a"}));
  Frame no_magic(binary::kGetK, "x");
  no_magic.magic = 0x81;
  EXPECT_EQ(binary_keys(get_a + no_magic.bytes() + get_a), (Keys{"a"}));
  Frame key_past_body(binary::kGetK, "x");
  key_past_body.body_length = 0;
  EXPECT_EQ(binary_keys(get_a + key_past_body.bytes() + get_a), (Keys{"a"}));
}

}  // namespace
}  // namespace memstripe::protocol
