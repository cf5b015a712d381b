// Command lines split into tokens as memcached's tokenize_command() splits them.
#include <gtest/gtest.h>

#include <string>

#include "protocol/tokenizer.h"

namespace memstripe::protocol {
namespace {

TEST(Tokenizer, SplitsOnSpacesOnly) {
  const Tokens t = tokenize("get a\tb c\rd \x80\xff");
  ASSERT_EQ(t.count, 4u);
  EXPECT_EQ(t[0], "get");
  EXPECT_EQ(t[1], "a\tb");
  EXPECT_EQ(t[2], "c\rd");
  EXPECT_EQ(t[3], "\x80\xff");
  EXPECT_EQ(t.ntokens(), 5u);  // memcached counts its terminal token
}

TEST(Tokenizer, TreatsRunsOfSpacesAndLeadingOrTrailingSpacesAsSeparators) {
  const Tokens t = tokenize("   set  k   0 ");
  ASSERT_EQ(t.count, 3u);
  EXPECT_EQ(t[0], "set");
  EXPECT_EQ(t[1], "k");
  EXPECT_EQ(t[2], "0");
  EXPECT_TRUE(t.rest.empty());
}

TEST(Tokenizer, GivesAnEmptyTokenPastTheEnd) {
  const Tokens t = tokenize("version");
  EXPECT_EQ(t.count, 1u);
  EXPECT_EQ(t[1], "");
  EXPECT_EQ(t[7], "");
  EXPECT_EQ(t.last(), "version");
  EXPECT_EQ(tokenize("").count, 0u);
  EXPECT_EQ(tokenize("    ").count, 0u);
  EXPECT_EQ(tokenize("").last(), "");
}

TEST(Tokenizer, StopsAfterTwentyThreeTokensAndKeepsTheRest) {
  std::string line = "get";
  for (int i = 1; i <= 30; ++i) line += " k" + std::to_string(i);
  const Tokens t = tokenize(line);
  EXPECT_EQ(t.count, Tokens::kMaxTokens);
  EXPECT_EQ(t.ntokens(), 24u);
  EXPECT_EQ(t[22], "k22");
  EXPECT_EQ(t.rest, "k23 k24 k25 k26 k27 k28 k29 k30");
}

TEST(Tokenizer, LeavesNoRestWhenTheTwentyThirdTokenEndsTheLine) {
  std::string line = "x";
  for (int i = 1; i < 23; ++i) line += " y";
  const Tokens t = tokenize(line);
  EXPECT_EQ(t.count, 23u);
  EXPECT_TRUE(t.rest.empty());
}

TEST(Tokenizer, CarriesOnWhereALimitedTokenizationStopped) {
  std::string line = "get";
  for (int i = 1; i <= 30; ++i) line += "  k" + std::to_string(i);
  Tokens t = tokenize(line, 3);
  EXPECT_EQ(t.count, 3u);
  EXPECT_EQ(t[2], "k2");
  tokenize_rest(t);
  const Tokens whole = tokenize(line);
  ASSERT_EQ(t.count, whole.count);
  for (std::size_t i = 0; i < t.count; ++i) EXPECT_EQ(t[i], whole[i]);
  EXPECT_EQ(t.rest, whole.rest);
  EXPECT_EQ(tokenize("a b", 0).rest, "a b");
}

TEST(WordCursor, WalksEveryWordWithoutALimit) {
  std::string keys;
  for (int i = 0; i < 100; ++i) keys += "  k" + std::to_string(i);
  WordCursor cursor(keys);
  std::string_view word;
  int n = 0;
  while (cursor.next(word)) {
    EXPECT_EQ(word, "k" + std::to_string(n));
    ++n;
  }
  EXPECT_EQ(n, 100);
  EXPECT_FALSE(cursor.next(word));
}

}  // namespace
}  // namespace memstripe::protocol
