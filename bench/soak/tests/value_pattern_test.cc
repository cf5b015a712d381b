// A soak is only as good as its values' self-check: whole values of the right key pass,
// torn, shifted, swapped or mislabelled ones do not.
#include "value_pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace soak {
namespace {

const ValuePattern& pattern() {
  static const ValuePattern p;
  return p;
}

TEST(ValuePattern, PlainValuesOfEverySizePassForTheirKey) {
  const std::string key = key_name(KeyKind::kPlain, 7);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{70000}, ValuePattern::kMaxValue}) {
    const std::uint32_t flags = ValuePattern::plain_flags(key, 12345);
    EXPECT_TRUE(pattern().plain_ok(key, flags, pattern().plain_value(key, flags, size))) << size;
  }
}

TEST(ValuePattern, AValueOfAnotherKeyOrVersionFails) {
  const std::string a = key_name(KeyKind::kPlain, 1);
  const std::string b = key_name(KeyKind::kPlain, 2);
  const std::uint32_t flags_a = ValuePattern::plain_flags(a, 9);
  const std::string_view value_a = pattern().plain_value(a, flags_a, 500);
  EXPECT_FALSE(pattern().plain_ok(b, flags_a, value_a));
  EXPECT_FALSE(pattern().plain_ok(a, ValuePattern::plain_flags(a, 10), value_a));
}

TEST(ValuePattern, ATornOrShiftedValueFails) {
  const std::string key = key_name(KeyKind::kPlain, 3);
  const std::uint32_t flags = ValuePattern::plain_flags(key, 1);
  std::string value(pattern().plain_value(key, flags, 4096));
  std::string torn = value;
  torn[2048] ^= 1;
  EXPECT_FALSE(pattern().plain_ok(key, flags, torn));
  EXPECT_FALSE(pattern().plain_ok(key, flags, value.substr(1)));
  std::string other(pattern().plain_value(key, ValuePattern::plain_flags(key, 2), 4096));
  EXPECT_FALSE(pattern().plain_ok(key, flags, value.substr(0, 2048) + other.substr(2048)));
}

TEST(ValuePattern, AppendRunsOfSegmentsPassAndBrokenOnesFail) {
  const std::string key = key_name(KeyKind::kAppend, 4);
  const std::uint32_t flags = ValuePattern::append_flags(key);
  const std::string run = pattern().segment(key, 10) + pattern().segment(key, 0) + pattern().segment(key, 4096);
  EXPECT_TRUE(pattern().append_ok(key, flags, ""));
  EXPECT_TRUE(pattern().append_ok(key, flags, run));
  EXPECT_FALSE(pattern().append_ok(key, flags, run.substr(0, run.size() - 1)));
  EXPECT_FALSE(pattern().append_ok(key, flags, run + "x"));
  EXPECT_FALSE(pattern().append_ok(key, flags, run + pattern().segment(key_name(KeyKind::kAppend, 5), 3)));
}

TEST(ValuePattern, CountersAreDigitsPerhapsPaddedWithSpaces) {
  const std::string key = key_name(KeyKind::kCounter, 1);
  const std::uint32_t flags = ValuePattern::counter_flags(key);
  EXPECT_TRUE(ValuePattern::counter_ok(key, flags, "18446744073709551615"));
  EXPECT_TRUE(ValuePattern::counter_ok(key, flags, "99 "));
  EXPECT_FALSE(ValuePattern::counter_ok(key, flags, " 99"));
  EXPECT_FALSE(ValuePattern::counter_ok(key, flags, "9x"));
  EXPECT_FALSE(ValuePattern::counter_ok(key, flags, ""));
  EXPECT_FALSE(ValuePattern::counter_ok(key, flags + 1, "1"));
}

TEST(ValuePattern, KindsDispatchOnTheKeysFirstLetter) {
  const std::string counter = key_name(KeyKind::kCounter, 1);
  EXPECT_EQ(kind_of(counter), KeyKind::kCounter);
  EXPECT_TRUE(pattern().value_ok(counter, ValuePattern::counter_flags(counter), "5"));
  const std::string plain = key_name(KeyKind::kPlain, 1);
  EXPECT_FALSE(pattern().value_ok(plain, ValuePattern::counter_flags(plain), "5"));
}

}  // namespace
}  // namespace soak
