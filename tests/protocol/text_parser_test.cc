// Framing command lines and naming commands, with memcached 1.6.18's rules.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/text_parser.h"

namespace memstripe::protocol {
namespace {

Frame frame_of(std::string_view input) {
  LineFramer framer;
  return framer.next(input);
}

CommandCode code_of(std::string_view line, bool debug = false) {
  return parse_command(line, ParseOptions{debug}).code;
}

TEST(LineFramer, FramesALineEndingInCrLf) {
  const Frame f = frame_of("get a\r\nget b\r\n");
  ASSERT_EQ(f.status, FrameStatus::kLine);
  EXPECT_EQ(f.line, "get a");
  EXPECT_EQ(f.consumed, 7u);
}

TEST(LineFramer, AcceptsABareNewline) {
  const Frame f = frame_of("get a\nrest");
  ASSERT_EQ(f.status, FrameStatus::kLine);
  EXPECT_EQ(f.line, "get a");
  EXPECT_EQ(f.consumed, 6u);
}

TEST(LineFramer, KeepsTheCarriageReturnOfALineThatIsOnlyCrLf) {
  // memcached strips '\r' only when something precedes it.
  EXPECT_EQ(frame_of("\r\n").line, "\r");
  EXPECT_EQ(frame_of("\n").line, "");
  EXPECT_EQ(frame_of("x\r\n").line, "x");
  EXPECT_EQ(frame_of("x\r\r\n").line, "x\r");
}

TEST(LineFramer, EndsTheLineAtANulByte) {
  const Frame f = frame_of(std::string_view("get a\0b c\r\n", 11));
  ASSERT_EQ(f.status, FrameStatus::kLine);
  EXPECT_EQ(f.line, "get a");
  EXPECT_EQ(f.consumed, 11u);
}

TEST(LineFramer, NeedsMoreUntilTheNewlineArrivesAtEveryPrefix) {
  const std::string input = "set key 0 0 5\r\n";
  for (std::size_t n = 0; n < input.size(); ++n) {
    LineFramer framer;
    EXPECT_EQ(framer.next(std::string_view(input).substr(0, n)).status, FrameStatus::kNeedMore) << n;
    const Frame f = framer.next(input);  // the same bytes, and more
    ASSERT_EQ(f.status, FrameStatus::kLine) << n;
    EXPECT_EQ(f.line, "set key 0 0 5");
  }
}

TEST(LineFramer, FramesManyLinesFromOneBuffer) {
  std::string input;
  for (int i = 0; i < 100; ++i) input += "get k" + std::to_string(i) + (i % 2 ? "\r\n" : "\n");
  LineFramer framer;
  std::string_view rest = input;
  for (int i = 0; i < 100; ++i) {
    const Frame f = framer.next(rest);
    ASSERT_EQ(f.status, FrameStatus::kLine);
    EXPECT_EQ(f.line, "get k" + std::to_string(i));
    rest.remove_prefix(f.consumed);
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_FALSE(framer.mid_line());
}

TEST(LineFramer, ClosesAfterMoreThan2048BytesWithoutANewline) {
  EXPECT_EQ(frame_of(std::string(2048, 'x')).status, FrameStatus::kNeedMore);
  const Frame f = frame_of(std::string(2049, 'x'));
  EXPECT_EQ(f.status, FrameStatus::kClose);
  EXPECT_FALSE(f.close_reason.empty());
}

TEST(LineFramer, ClosesALongLineThatArrivesWithItsNewline) {
  const Frame f = frame_of(std::string(5000, 'x') + "\r\n");
  EXPECT_EQ(f.status, FrameStatus::kClose);
  EXPECT_EQ(f.consumed, 0u);
}

TEST(LineFramer, CountsALineWithoutItsCarriageReturn) {
  EXPECT_EQ(frame_of(std::string(2048, 'x') + "\r").status, FrameStatus::kNeedMore);
  EXPECT_EQ(frame_of(std::string(2048, 'x') + "\r\n").status, FrameStatus::kLine);
  EXPECT_EQ(frame_of(std::string(2049, 'x') + "\n").status, FrameStatus::kClose);
}

TEST(LineFramer, ParsesALongMultiGetThatArrivesWithItsNewline) {
  std::string get = "get";
  while (get.size() < 5000) get += " somekey";
  const std::string line = get + "\r\n";  // the frame views it
  const Frame f = frame_of(line);
  ASSERT_EQ(f.status, FrameStatus::kLine);
  EXPECT_EQ(f.line, get);
}

TEST(LineFramer, LetsAMultiGetGrowPast2048Bytes) {
  std::string get = "get";
  while (get.size() < 100000) get += " somekey";
  EXPECT_EQ(frame_of(get).status, FrameStatus::kNeedMore);
  EXPECT_EQ(frame_of("gets" + get.substr(3)).status, FrameStatus::kNeedMore);
  EXPECT_EQ(frame_of(std::string(100, ' ') + get).status, FrameStatus::kNeedMore);
}

TEST(LineFramer, ClosesOtherLongLinesEvenGatAndGetWithoutASpace) {
  std::string keys;
  while (keys.size() < 3000) keys += " somekey";
  EXPECT_EQ(frame_of("gat 10" + keys).status, FrameStatus::kClose);
  EXPECT_EQ(frame_of("getx" + keys).status, FrameStatus::kClose);
  EXPECT_EQ(frame_of(std::string(101, ' ') + "get" + keys).status, FrameStatus::kClose);
}

TEST(LineFramer, CapsAMultiGetAtOneMebibyteWithoutANewline) {
  std::string get = "get";
  while (get.size() <= LineFramer::kMaxGetLine) get += " somekey";
  EXPECT_EQ(frame_of(get).status, FrameStatus::kClose);
}

TEST(ParseCommand, NamesEveryClassicCommand) {
  EXPECT_EQ(code_of("get a"), CommandCode::kGet);
  EXPECT_EQ(code_of("bget a"), CommandCode::kGet);
  EXPECT_EQ(code_of("gets a b"), CommandCode::kGets);
  EXPECT_EQ(code_of("gat 1 a"), CommandCode::kGat);
  EXPECT_EQ(code_of("gats 1 a"), CommandCode::kGats);
  EXPECT_EQ(code_of("set a 0 0 1"), CommandCode::kSet);
  EXPECT_EQ(code_of("add a 0 0 1"), CommandCode::kAdd);
  EXPECT_EQ(code_of("replace a 0 0 1"), CommandCode::kReplace);
  EXPECT_EQ(code_of("append a 0 0 1"), CommandCode::kAppend);
  EXPECT_EQ(code_of("prepend a 0 0 1"), CommandCode::kPrepend);
  EXPECT_EQ(code_of("cas a 0 0 1 5"), CommandCode::kCas);
  EXPECT_EQ(code_of("delete a"), CommandCode::kDelete);
  EXPECT_EQ(code_of("incr a 1"), CommandCode::kIncr);
  EXPECT_EQ(code_of("decr a 1"), CommandCode::kDecr);
  EXPECT_EQ(code_of("touch a 1"), CommandCode::kTouch);
  EXPECT_EQ(code_of("stats"), CommandCode::kStats);
  EXPECT_EQ(code_of("flush_all"), CommandCode::kFlushAll);
  EXPECT_EQ(code_of("version"), CommandCode::kVersion);
  EXPECT_EQ(code_of("quit"), CommandCode::kQuit);
  EXPECT_EQ(code_of("verbosity 1"), CommandCode::kVerbosity);
  EXPECT_EQ(code_of("shutdown"), CommandCode::kShutdown);
  EXPECT_EQ(code_of("cache_memlimit 100"), CommandCode::kCacheMemlimit);
  EXPECT_EQ(code_of("slabs automove 1"), CommandCode::kSlabs);
  EXPECT_EQ(code_of("lru tune"), CommandCode::kLru);
  EXPECT_EQ(code_of("lru_crawler crawl all"), CommandCode::kLruCrawler);
  EXPECT_EQ(code_of("watch"), CommandCode::kWatch);
  EXPECT_EQ(code_of("refresh_certs"), CommandCode::kRefreshCerts);
  EXPECT_EQ(code_of("refresh_certs noreply"), CommandCode::kRefreshCerts);
}

TEST(ParseCommand, NamesTheMetaCommandsForTheirHandler) {
  EXPECT_EQ(code_of("mg a v"), CommandCode::kMetaGet);
  EXPECT_EQ(code_of("ms a 1"), CommandCode::kMetaSet);
  EXPECT_EQ(code_of("md a"), CommandCode::kMetaDelete);
  EXPECT_EQ(code_of("ma a"), CommandCode::kMetaArithmetic);
  EXPECT_EQ(code_of("mn"), CommandCode::kMetaNoop);
  EXPECT_EQ(code_of("me a"), CommandCode::kMetaDebug);
  EXPECT_EQ(code_of("mz a"), CommandCode::kError);
  EXPECT_TRUE(is_meta_command(CommandCode::kMetaGet));
  EXPECT_FALSE(is_meta_command(CommandCode::kGet));
}

TEST(ParseCommand, AnswersErrorForTheWrongNumberOfTokens) {
  EXPECT_EQ(code_of("get"), CommandCode::kError);
  EXPECT_EQ(code_of("gat 1"), CommandCode::kGat);  // no keys: memcached answers END
  EXPECT_EQ(code_of("set a 0 0"), CommandCode::kError);
  EXPECT_EQ(code_of("set a 0 0 1 noreply extra"), CommandCode::kError);
  EXPECT_EQ(code_of("set a 0 0 1 garbage"), CommandCode::kSet);
  EXPECT_EQ(code_of("cas a 0 0 1"), CommandCode::kError);
  EXPECT_EQ(code_of("cas a 0 0 1 1 noreply x"), CommandCode::kError);
  EXPECT_EQ(code_of("delete"), CommandCode::kError);
  EXPECT_EQ(code_of("delete a 0 noreply x"), CommandCode::kError);
  EXPECT_EQ(code_of("incr a"), CommandCode::kError);
  EXPECT_EQ(code_of("touch a"), CommandCode::kError);
  EXPECT_EQ(code_of("flush_all 1 noreply x"), CommandCode::kError);
  EXPECT_EQ(code_of("verbosity"), CommandCode::kError);
  EXPECT_EQ(code_of("verbosity 1 noreply x"), CommandCode::kError);
  EXPECT_EQ(code_of("cache_memlimit"), CommandCode::kError);
  EXPECT_EQ(code_of("lru"), CommandCode::kError);
  EXPECT_EQ(code_of("bget"), CommandCode::kError);
}

TEST(ParseCommand, AnswersErrorForUnknownAndTooShortCommands) {
  EXPECT_EQ(code_of(""), CommandCode::kError);
  EXPECT_EQ(code_of("   "), CommandCode::kError);
  EXPECT_EQ(code_of("x"), CommandCode::kError);
  EXPECT_EQ(code_of("\r"), CommandCode::kError);
  EXPECT_EQ(code_of("VERSION"), CommandCode::kError);
  EXPECT_EQ(code_of("foo bar"), CommandCode::kError);
  EXPECT_EQ(code_of("get\ta"), CommandCode::kError);
}

TEST(ParseCommand, RecognisesAnHttpRequestByItsLastToken) {
  EXPECT_EQ(code_of("GET / HTTP/1.1"), CommandCode::kHttp);
  EXPECT_EQ(code_of("POST /x HTTP/1.0"), CommandCode::kHttp);
  EXPECT_EQ(code_of("foo HTTP/"), CommandCode::kHttp);
  EXPECT_EQ(code_of("version HTTP/1.1"), CommandCode::kVersion);
}

TEST(ParseCommand, DoesNotTreatHttpAsSpecialWhereMemcachedDoesNot) {
  // Inside memcached's first-letter branches an unknown name is a plain ERROR.
  EXPECT_EQ(code_of("get / HTTP/1.1"), CommandCode::kGet);
  EXPECT_EQ(code_of("gxx / HTTP/1.1"), CommandCode::kError);
  EXPECT_EQ(code_of("sxx HTTP/1.1"), CommandCode::kError);
  EXPECT_EQ(code_of("mz HTTP/1.1"), CommandCode::kError);
  EXPECT_EQ(code_of("X HTTP/1.1"), CommandCode::kError);
  EXPECT_EQ(code_of("foo HTTP/1.1 x"), CommandCode::kError);
  EXPECT_EQ(code_of("foo / http/1.1"), CommandCode::kError);
  EXPECT_EQ(code_of("replace a HTTP/1.1"), CommandCode::kError);  // wrong token count
  EXPECT_EQ(code_of("mzz HTTP/1.1"), CommandCode::kHttp);          // not a 2-letter meta name
}

TEST(ParseCommand, LooksForHttpInTheTwentyThirdTokenOfALongLine) {
  std::string line = "foo";
  for (int i = 1; i < 22; ++i) line += " x";
  EXPECT_EQ(code_of(line + " HTTP/1.1 y y y"), CommandCode::kHttp);
  EXPECT_EQ(code_of(line + " x HTTP/1.1"), CommandCode::kError);
}

TEST(ParseCommand, KnowsTheDebugClockCommandOnlyWhenEnabled) {
  EXPECT_EQ(code_of("debug_advance_clock 10", true), CommandCode::kDebugAdvanceClock);
  EXPECT_EQ(code_of("debug_advance_clock 10", false), CommandCode::kError);
  EXPECT_EQ(code_of("debug_advance_clock", true), CommandCode::kError);
}

TEST(ParseCommand, KeepsTheWholeLineForMultiGets) {
  const Command c = parse_command("get a b c d");
  EXPECT_EQ(c.line, "get a b c d");
  EXPECT_EQ(c.tokens[1], "a");
}

TEST(ParseCommand, TokenizesOtherCommandsToMemcachedsLimit) {
  EXPECT_EQ(parse_command("delete a 0 noreply").tokens.count, 4u);
  std::string line = "lru";
  for (int i = 0; i < 30; ++i) line += " x";
  EXPECT_EQ(parse_command(line).tokens.count, Tokens::kMaxTokens);
}

}  // namespace
}  // namespace memstripe::protocol
