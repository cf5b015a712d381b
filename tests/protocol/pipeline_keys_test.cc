// The scanner that finds a binary pipeline's keys for the cache's prefetch: the keys in
// order, and a stop, never a wrong step, at what it cannot read.
#include "protocol/pipeline_keys.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "binary_frames.h"

namespace memstripe::protocol {
namespace {

using testing::Frame;

std::vector<std::string> binary_keys(std::string_view input, std::size_t room = 16) {
  std::array<std::string_view, 64> keys;
  const std::size_t n = binary_pipeline_keys(input, std::span(keys.data(), room));
  return {keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(n)};
}

using Keys = std::vector<std::string>;

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
