// Meta command lines read as memcached 1.6.18 reads them: flags in request order, their
// arguments, and which error each bad line gets; and memcached's base64 for `b` keys.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <utility>

#include "protocol/base64.h"
#include "protocol/meta_parser.h"
#include "protocol/responses.h"
#include "protocol/tokenizer.h"

namespace memstripe::protocol {
namespace {

// A request's views point into its line: the lines outlive the tests.
std::string_view kept(std::string line) {
  static std::deque<std::string> lines;
  lines.push_back(std::move(line));
  return lines.back();
}

MetaRequest parse(MetaCommand command, std::string line) {
  MetaRequest r;
  parse_meta_request(command, tokenize(kept(std::move(line))), r);
  return r;
}

MetaRequest parse_debug(std::string line) {
  MetaRequest r;
  parse_meta_debug_request(tokenize(kept(std::move(line))), r);
  return r;
}

std::string_view error_of(MetaCommand command, std::string line) { return parse(command, std::move(line)).error; }

std::string decode(std::string_view in) {
  std::string out(in.size() + 1, '\0');
  out.resize(base64_decode(in, out.data()));
  return out;
}

std::string encode(std::string_view in) {
  std::string out(base64_encoded_size(in.size()), '\0');
  out.resize(base64_encode(in, out.data()));
  return out;
}

// --- flags --------------------------------------------------------------------------

TEST(MetaParser, KeepsFlagTokensInRequestOrder) {
  const MetaRequest r = parse(MetaCommand::kGet, "mg key v t Oab k T30");
  ASSERT_TRUE(r.error.empty());
  EXPECT_EQ(r.key(), "key");
  ASSERT_EQ(r.flags.size(), 5u);
  EXPECT_EQ(r.flags[0], "v");
  EXPECT_EQ(r.flags[2], "Oab");
  EXPECT_EQ(r.flags.position('t'), 1u);
  EXPECT_EQ(r.flags.position('T'), 4u);
  EXPECT_TRUE(r.flags.before('t', 'T'));
  EXPECT_FALSE(r.flags.before('T', 't'));
  EXPECT_FALSE(r.flags.has('q'));
  EXPECT_EQ(r.flags.position('q'), MetaFlags::kAbsent);
  EXPECT_EQ(r.flags.opaque, "Oab");
  EXPECT_EQ(r.flags.ttl, 30);
}

TEST(MetaParser, ReadsEachFlagArgument) {
  const MetaRequest g = parse(MetaCommand::kGet, "mg k N-5 R7 T4294967296 C18446744073709551615");
  ASSERT_TRUE(g.error.empty());
  EXPECT_EQ(g.flags.vivify_ttl, -5);
  EXPECT_EQ(g.flags.recache_ttl, 7);
  EXPECT_EQ(g.flags.ttl, 0);  // truncated to 32 bits, as memcached's exptimes are
  EXPECT_EQ(g.flags.compare_cas, 18446744073709551615u);

  const MetaRequest a = parse(MetaCommand::kArithmetic, "ma k D5 J9 M-");
  ASSERT_TRUE(a.error.empty());
  EXPECT_EQ(a.flags.delta, 5u);
  EXPECT_EQ(a.flags.initial, 9u);
  EXPECT_TRUE(a.decrement);

  const MetaRequest s = parse(MetaCommand::kSet, "ms k 12 F4294967297 T-1");
  ASSERT_TRUE(s.error.empty());
  EXPECT_EQ(s.value_length, 12u);
  EXPECT_EQ(s.flags.client_flags, 1u);
  EXPECT_EQ(s.flags.ttl, -1);
}

TEST(MetaParser, ArithmeticDefaultsToIncrementByOne) {
  const MetaRequest a = parse(MetaCommand::kArithmetic, "ma k");
  ASSERT_TRUE(a.error.empty());
  EXPECT_EQ(a.flags.delta, 1u);
  EXPECT_EQ(a.flags.initial, 0u);
  EXPECT_FALSE(a.decrement);
}

TEST(MetaParser, TellsFlagsApartByTheirFirstByte) {
  EXPECT_TRUE(parse(MetaCommand::kGet, "mg k kxyz v123").error.empty());
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k k kx"), reply::kDuplicateFlag);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k T1 T2"), reply::kDuplicateFlag);
}

TEST(MetaParser, RefusesBytesFrom127UpAsDuplicates) {
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k \x7f"), reply::kDuplicateFlag);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k \xff"), reply::kDuplicateFlag);
}

TEST(MetaParser, RefusesFlagsThat1618DoesNotKnow) {
  for (const char* flag : {"E", "S", "x", "Z", "1", "\t"}) {
    EXPECT_EQ(error_of(MetaCommand::kGet, std::string("mg k ") + flag), reply::kInvalidFlag) << flag;
  }
}

TEST(MetaParser, AcceptsEveryFlag1618KnowsOnEveryCommand) {
  // In two lines: a line holds 16 flags at most. The key is base64 for `b`.
  for (const std::string flags : {" b c f h k l O P L q s", " t u v N1 R1 T1 F1 C1 J1 D1 I"}) {
    EXPECT_TRUE(parse(MetaCommand::kGet, "mg YQ==" + flags).error.empty()) << flags;
    EXPECT_TRUE(parse(MetaCommand::kSet, "ms YQ== 1" + flags).error.empty()) << flags;
    EXPECT_TRUE(parse(MetaCommand::kDelete, "md YQ==" + flags).error.empty()) << flags;
    EXPECT_TRUE(parse(MetaCommand::kArithmetic, "ma YQ==" + flags).error.empty()) << flags;
  }
}

TEST(MetaParser, ReportsTheLastBadArgumentAndStopsAtAnUnknownFlag) {
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Tx"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k T"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Nx"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k R-"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k C-1"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Fx"), reply::kBadCommandLineFormat);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Jx"), reply::kInvalidInitialValue);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k D"), reply::kInvalidDeltaValue);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k M"), reply::kModeTokenLength);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Mxy"), reply::kModeTokenLength);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg a b Jx"), reply::kInvalidInitialValue);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg a Jx b"), reply::kErrorDecodingKey);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg a D C F J I"), reply::kInvalidInitialValue);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Fx Tx"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k Tx Fx"), reply::kBadFlagToken);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg a Jx Zz"), reply::kInvalidFlag);
}

// --- each command's checks, in memcached's order ---------------------------------------

TEST(MetaParser, AMetaCommandWithoutAKeyIsAnUnknownCommand) {
  for (auto command : {MetaCommand::kGet, MetaCommand::kSet, MetaCommand::kDelete, MetaCommand::kArithmetic}) {
    EXPECT_EQ(error_of(command, "mx"), reply::kError);
  }
}

TEST(MetaParser, AKeyOver250BytesIsABadCommandLine) {
  const std::string k251(251, 'k');
  const std::string k250(250, 'k');
  for (auto command : {MetaCommand::kGet, MetaCommand::kSet, MetaCommand::kDelete, MetaCommand::kArithmetic}) {
    EXPECT_EQ(error_of(command, "mx " + k251 + " 1"), reply::kBadCommandLineFormat);
    EXPECT_EQ(error_of(command, "mx " + k251 + " 1 Zz"), reply::kBadCommandLineFormat);
  }
  EXPECT_TRUE(error_of(MetaCommand::kGet, "mg " + k250 + " v").empty());
  EXPECT_TRUE(error_of(MetaCommand::kSet, "ms " + k250 + " 1").empty());
  EXPECT_TRUE(error_of(MetaCommand::kDelete, "md " + k250 + " q").empty());
  EXPECT_TRUE(error_of(MetaCommand::kArithmetic, "ma " + k250 + " q").empty());
}

TEST(MetaParser, MoreThan17FlagsAreRefusedBeforeTheyAreRead) {
  const std::string seventeen = " 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17";
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k" + seventeen), reply::kInvalidFlag);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k" + seventeen + " 18"), reply::kMetaGetFlagsTooLong);
  EXPECT_EQ(error_of(MetaCommand::kDelete, "md k" + seventeen + " 18"), reply::kMetaFlagsTooLong);
  EXPECT_EQ(error_of(MetaCommand::kArithmetic, "ma k" + seventeen + " 18"), reply::kMetaFlagsTooLong);
  // ms's length is a token too: 16 flags at most.
  EXPECT_EQ(error_of(MetaCommand::kSet, "ms k 1" + seventeen), reply::kMetaFlagsTooLong);
  // Past memcached's 24-token tokenizer the count stays over the limit.
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k" + seventeen + " 18 19 20 21 22 23 24 25"), reply::kMetaGetFlagsTooLong);
}

TEST(MetaParser, DeleteAndArithmeticReportEveryFlagErrorAlike) {
  for (const char* flags : {"Zz", "q q", "Tx", "Mxy", "Dx", "D-1", "b"}) {
    EXPECT_EQ(error_of(MetaCommand::kDelete, std::string("md a ") + flags), reply::kInvalidOrDuplicateFlag) << flags;
    EXPECT_EQ(error_of(MetaCommand::kArithmetic, std::string("ma a ") + flags), reply::kInvalidOrDuplicateFlag)
        << flags;
  }
}

TEST(MetaParser, ArithmeticModesAreIPlusDMinus) {
  EXPECT_FALSE(parse(MetaCommand::kArithmetic, "ma k MI").decrement);
  EXPECT_FALSE(parse(MetaCommand::kArithmetic, "ma k M+").decrement);
  EXPECT_TRUE(parse(MetaCommand::kArithmetic, "ma k MD").decrement);
  EXPECT_TRUE(parse(MetaCommand::kArithmetic, "ma k M-").decrement);
  for (const char* mode : {"Mi", "Md", "MX", "ME"}) {
    EXPECT_EQ(error_of(MetaCommand::kArithmetic, std::string("ma k ") + mode), reply::kInvalidArithmeticMode);
  }
}

TEST(MetaParser, SetModesSelectTheStorageCommandAndACasTurnsSetAndReplaceIntoCas) {
  using storage::StoreMode;
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1").store_mode, StoreMode::kSet);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 MS").store_mode, StoreMode::kSet);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 ME").store_mode, StoreMode::kAdd);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 MA").store_mode, StoreMode::kAppend);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 MP").store_mode, StoreMode::kPrepend);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 MR").store_mode, StoreMode::kReplace);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 C5").store_mode, StoreMode::kCas);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 MR C5").store_mode, StoreMode::kCas);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 ME C5").store_mode, StoreMode::kAdd);
  EXPECT_EQ(parse(MetaCommand::kSet, "ms k 1 MA C5").store_mode, StoreMode::kAppend);
  for (const char* mode : {"Ms", "Me", "MX", "MI"}) {
    const MetaRequest r = parse(MetaCommand::kSet, std::string("ms k 1 ") + mode);
    EXPECT_EQ(r.error, reply::kInvalidSetMode) << mode;
    EXPECT_TRUE(r.swallow_data_block);
  }
}

TEST(MetaParser, SetErrorsBeforeTheLengthIsKnownLeaveTheDataBlock) {
  for (const char* line : {"ms k", "ms k x", "ms k -1", "ms k 2147483646", "ms k 1x"}) {
    const MetaRequest r = parse(MetaCommand::kSet, line);
    EXPECT_EQ(r.error, reply::kBadCommandLineFormat) << line;
    EXPECT_FALSE(r.swallow_data_block) << line;
  }
  const MetaRequest longest = parse(MetaCommand::kSet, "ms k 2147483645");
  EXPECT_TRUE(longest.error.empty());
  EXPECT_EQ(longest.value_length, 2147483645u);
  EXPECT_FALSE(parse(MetaCommand::kSet, "ms k 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17").swallow_data_block);
}

TEST(MetaParser, SetErrorsAfterTheLengthSwallowTheDataBlock) {
  const std::string long_opaque = "O" + std::string(32, 'o');
  for (const std::string& flags : {std::string("E"), std::string("Fx"), std::string("Tx"), std::string("b"),
                                   std::string("q q"), long_opaque}) {
    const MetaRequest r = parse(MetaCommand::kSet, "ms k 7 " + flags);
    EXPECT_FALSE(r.error.empty()) << flags;
    EXPECT_TRUE(r.swallow_data_block) << flags;
    EXPECT_EQ(r.value_length, 7u);
  }
  // The mode is checked after the opaque and outranks it.
  EXPECT_EQ(error_of(MetaCommand::kSet, "ms k 1 " + long_opaque + " MX"), reply::kInvalidSetMode);
  EXPECT_EQ(error_of(MetaCommand::kSet, "ms k 1 " + long_opaque), reply::kOpaqueTooLong);
}

TEST(MetaParser, OpaqueMayBe32BytesWithItsO) {
  const std::string longest = "O" + std::string(31, 'o');
  const std::string too_long = "O" + std::string(32, 'o');
  EXPECT_TRUE(parse(MetaCommand::kGet, "mg k " + longest).error.empty());
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg k " + too_long), reply::kOpaqueTooLong);
  EXPECT_EQ(error_of(MetaCommand::kDelete, "md k " + too_long), reply::kOpaqueTooLong);
  // ma applies its change before it notices: the line itself parses.
  const MetaRequest a = parse(MetaCommand::kArithmetic, "ma k " + too_long);
  EXPECT_TRUE(a.error.empty());
  EXPECT_TRUE(opaque_too_long(a.flags));
  EXPECT_TRUE(parse(MetaCommand::kGet, "mg k O").error.empty());
}

TEST(MetaParser, Base64KeysAreDecodedAndAFailureIsReportedPerCommand) {
  const MetaRequest r = parse(MetaCommand::kGet, "mg Zm9v b");
  ASSERT_TRUE(r.error.empty());
  EXPECT_TRUE(r.binary_key);
  EXPECT_EQ(r.key(), "foo");
  EXPECT_EQ(r.raw_key, "Zm9v");
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg Zm9 b"), reply::kErrorDecodingKey);
  EXPECT_EQ(error_of(MetaCommand::kSet, "ms Zm9 1 b"), reply::kErrorDecodingKey);
  EXPECT_EQ(error_of(MetaCommand::kDelete, "md Zm9 b"), reply::kInvalidOrDuplicateFlag);
  EXPECT_EQ(error_of(MetaCommand::kArithmetic, "ma Zm9 b"), reply::kInvalidOrDuplicateFlag);
}

TEST(MetaParser, TheKeyLimitAppliesToTheBase64Text) {
  const std::string encoded_252 = encode(std::string(189, 'x'));
  ASSERT_EQ(encoded_252.size(), 252u);
  EXPECT_EQ(error_of(MetaCommand::kGet, "mg " + encoded_252 + " b"), reply::kBadCommandLineFormat);
  const std::string encoded_248 = encode(std::string(186, 'x'));
  const MetaRequest r = parse(MetaCommand::kGet, "mg " + encoded_248 + " b");
  ASSERT_TRUE(r.error.empty());
  EXPECT_EQ(r.key(), std::string(186, 'x'));
}

TEST(MetaParser, DebugTakesOnlyALoneBAfterTheKey) {
  const MetaRequest binary = parse_debug("me Zm9v b");
  EXPECT_TRUE(binary.error.empty());
  EXPECT_EQ(binary.key(), "foo");
  const MetaRequest plain = parse_debug("me Zm9v bx");
  EXPECT_TRUE(plain.error.empty());
  EXPECT_EQ(plain.key(), "Zm9v");
  EXPECT_EQ(parse_debug("me Zm9 b").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(parse_debug("me").error, reply::kBadCommandLineFormat);
  EXPECT_EQ(parse_debug("me " + std::string(251, 'k')).error, reply::kBadCommandLineFormat);
}

// --- base64, memcached's decoder -------------------------------------------------------

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(encode("foo"), "Zm9v");
  EXPECT_EQ(encode("fo"), "Zm8=");
  EXPECT_EQ(encode("f"), "Zg==");
  EXPECT_EQ(encode(std::string("\x00\xff\x80", 3)), "AP+A");
  EXPECT_EQ(encode(""), "");
}

TEST(Base64, DecodesWhatItEncodes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 1; n < all.size(); n += 7) {
    EXPECT_EQ(decode(encode(all.substr(0, n))), all.substr(0, n)) << n;
  }
}

TEST(Base64, SkipsBytesOutsideTheAlphabet) {
  EXPECT_EQ(decode("cG?xhaW4="), "plain");
  EXPECT_EQ(decode("Zm\x80\x01" "9v"), "foo");
}

TEST(Base64, NeedsAPositiveMultipleOfFourAlphabetBytes) {
  EXPECT_EQ(decode(""), "");
  EXPECT_EQ(decode("Zm9"), "");
  EXPECT_EQ(decode("cGxhaW4=garbage"), "");
  EXPECT_EQ(decode("????"), "");
}

TEST(Base64, TheFirstPaddedBlockEndsTheInput) {
  EXPECT_EQ(decode("QQ==QUJD"), "A");
  EXPECT_EQ(decode("Q=QQ"), std::string("@\x04", 2));
  EXPECT_EQ(decode("===="), "");  // three or more '=' in a block are refused
  EXPECT_EQ(decode("A==="), "");
}

}  // namespace
}  // namespace memstripe::protocol
