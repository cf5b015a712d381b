// Numbers in command lines are read as memcached 1.6.18's safe_strto* functions read them.
#include <gtest/gtest.h>

#include <cstdint>

#include "protocol/numbers.h"

namespace memstripe::protocol {
namespace {

std::uint32_t u32(std::string_view s) {
  std::uint32_t v = 12345;
  EXPECT_TRUE(safe_strtoul(s, v)) << s;
  return v;
}
std::int32_t i32(std::string_view s) {
  std::int32_t v = 12345;
  EXPECT_TRUE(safe_strtol(s, v)) << s;
  return v;
}
std::uint64_t u64(std::string_view s) {
  std::uint64_t v = 12345;
  EXPECT_TRUE(safe_strtoull(s, v)) << s;
  return v;
}

TEST(SafeStrtoul, ReadsDecimalNumbers) {
  EXPECT_EQ(u32("0"), 0u);
  EXPECT_EQ(u32("42"), 42u);
  EXPECT_EQ(u32("+42"), 42u);
  EXPECT_EQ(u32("4294967295"), 4294967295u);
}

TEST(SafeStrtoul, TruncatesSixtyFourBitValuesToThirtyTwoBits) {
  EXPECT_EQ(u32("4294967296"), 0u);
  EXPECT_EQ(u32("4294967297"), 1u);
  EXPECT_EQ(u32("18446744073709551615"), 4294967295u);
}

TEST(SafeStrtoul, RefusesNegativeNumbersButNotMinusZero) {
  std::uint32_t v = 0;
  EXPECT_FALSE(safe_strtoul("-1", v));
  EXPECT_FALSE(safe_strtoul("-4294967296", v));
  EXPECT_EQ(u32("-0"), 0u);
  // strtoul negates modulo 2^64 and the result is positive as a signed number: accepted.
  EXPECT_EQ(u32("-18446744073709551615"), 1u);
}

TEST(SafeStrtoul, RefusesValuesBeyondSixtyFourBits) {
  std::uint32_t v = 0;
  EXPECT_FALSE(safe_strtoul("18446744073709551616", v));
  EXPECT_FALSE(safe_strtoul("99999999999999999999999", v));
}

TEST(SafeStrtoul, SkipsLeadingWhitespaceAndStopsAtTrailingWhitespace) {
  EXPECT_EQ(u32("\t5"), 5u);
  EXPECT_EQ(u32("5\t"), 5u);
  EXPECT_EQ(u32("5\tgarbage"), 5u);
  EXPECT_EQ(u32("5\r"), 5u);
}

TEST(SafeStrtoul, RefusesTrailingGarbageEmptyAndSignOnly) {
  std::uint32_t v = 0;
  EXPECT_FALSE(safe_strtoul("5x", v));
  EXPECT_FALSE(safe_strtoul("0x10", v));
  EXPECT_FALSE(safe_strtoul("", v));
  EXPECT_FALSE(safe_strtoul("-", v));
  EXPECT_FALSE(safe_strtoul("+", v));
  EXPECT_FALSE(safe_strtoul("\t", v));
  EXPECT_FALSE(safe_strtoul("x5", v));
  EXPECT_FALSE(safe_strtoul("1.5", v));
}

TEST(SafeStrtol, ReadsSignedNumbers) {
  EXPECT_EQ(i32("0"), 0);
  EXPECT_EQ(i32("-1"), -1);
  EXPECT_EQ(i32("2147483647"), 2147483647);
  EXPECT_EQ(i32("-2147483648"), -2147483647 - 1);
}

TEST(SafeStrtol, TruncatesToThirtyTwoBitsAsMemcachedDoes) {
  EXPECT_EQ(i32("4294967296"), 0);   // exptime: never expires
  EXPECT_EQ(i32("4294967295"), -1);  // exptime: already expired
  EXPECT_EQ(i32("4294967297"), 1);   // a data length of 1
  EXPECT_EQ(i32("2147483648"), -2147483647 - 1);
}

TEST(SafeStrtol, RefusesValuesBeyondSignedSixtyFourBits) {
  std::int32_t v = 0;
  EXPECT_FALSE(safe_strtol("9223372036854775808", v));
  EXPECT_FALSE(safe_strtol("-9223372036854775809", v));
  EXPECT_TRUE(safe_strtol("9223372036854775807", v));
  EXPECT_EQ(v, -1);
  EXPECT_TRUE(safe_strtol("-9223372036854775808", v));
  EXPECT_EQ(v, 0);
}

TEST(SafeStrtol, RefusesGarbage) {
  std::int32_t v = 0;
  EXPECT_FALSE(safe_strtol("abc", v));
  EXPECT_FALSE(safe_strtol("1a", v));
  EXPECT_FALSE(safe_strtol("", v));
}

TEST(SafeStrtoull, ReadsTheWholeUnsignedRange) {
  EXPECT_EQ(u64("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(u64("9223372036854775808"), 9223372036854775808ull);
  EXPECT_EQ(u64("-0"), 0u);
}

TEST(SafeStrtoull, RefusesNegativesAndOverflow) {
  std::uint64_t v = 0;
  EXPECT_FALSE(safe_strtoull("-1", v));
  EXPECT_FALSE(safe_strtoull("18446744073709551616", v));
  EXPECT_FALSE(safe_strtoull("12abc", v));
}

TEST(SafeStrtod, ReadsFloatingPointFactors) {
  double d = 0;
  EXPECT_TRUE(safe_strtod("0.5", d));
  EXPECT_DOUBLE_EQ(d, 0.5);
  EXPECT_TRUE(safe_strtod("2", d));
  EXPECT_DOUBLE_EQ(d, 2.0);
  EXPECT_FALSE(safe_strtod("x", d));
  EXPECT_FALSE(safe_strtod("0.5x", d));
  EXPECT_FALSE(safe_strtod("1e999", d));
}

}  // namespace
}  // namespace memstripe::protocol
