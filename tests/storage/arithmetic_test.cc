#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

using ArithmeticTest = CacheTest;

TEST_F(ArithmeticTest, IncrAddsTheDelta) {
  set("n", "10");
  ArithResult r = incr("n", 5);
  EXPECT_EQ(r.status, ArithStatus::kOk);
  EXPECT_EQ(r.value, 15u);
  EXPECT_EQ(get("n"), "15");
  EXPECT_EQ(cache_.stats().incr_hits, 1u);
}

TEST_F(ArithmeticTest, IncrWrapsAtTwoToTheSixtyFour) {
  set("n", "18446744073709551615");
  EXPECT_EQ(incr("n", 1).value, 0u);
  set("n", "10");
  EXPECT_EQ(incr("n", 18446744073709551615ull).value, 9u);
}

TEST_F(ArithmeticTest, DecrStopsAtZero) {
  set("n", "5");
  EXPECT_EQ(decr("n", 10).value, 0u);
  EXPECT_EQ(get("n"), "0");
}

TEST_F(ArithmeticTest, ShrinkingResultIsPaddedInPlace) {
  set("n", "100");
  EXPECT_EQ(decr("n", 1).value, 99u);
  EXPECT_EQ(get("n"), "99 ");
}

TEST_F(ArithmeticTest, ShrinkingResultWhileReadIsHeldReplacesUnpadded) {
  set("n", "100");
  ItemRef reader = ref("n");
  EXPECT_EQ(decr("n", 1).value, 99u);
  EXPECT_EQ(get("n"), "99");
  EXPECT_EQ(reader.value(), "100");
}

TEST_F(ArithmeticTest, GrowingResultReplacesTheItemKeepingFlagsAndExptime) {
  set("n", "99", 3, 1000);
  RelTime exptime = ref("n").exptime();
  EXPECT_EQ(incr("n", 1).value, 100u);
  ItemRef r = ref("n");
  EXPECT_EQ(r.value(), "100");
  EXPECT_EQ(r.flags(), 3u);
  EXPECT_EQ(r.exptime(), exptime);
}

TEST_F(ArithmeticTest, EachChangeGetsANewCas) {
  set("n", "1");
  std::uint64_t before = cas_of("n");
  ArithResult r = incr("n", 1);
  EXPECT_NE(r.item.cas(), before);
  EXPECT_EQ(cas_of("n"), r.item.cas());
}

TEST_F(ArithmeticTest, NonNumericValuesAreRefused) {
  for (const char* v : {"abc", "", "12abc", "-1", "18446744073709551616", "   "}) {
    set("n", v);
    EXPECT_EQ(incr("n", 1).status, ArithStatus::kNonNumeric) << "value '" << v << "'";
    EXPECT_EQ(get("n"), v);
  }
}

TEST_F(ArithmeticTest, AcceptsWhatMemcachedsStrtoullAccepts) {
  struct Case {
    const char* stored;
    std::uint64_t after_incr;
  } cases[] = {{"000000000000000000001", 2}, {"5 abc", 6}, {"+5", 6}, {"-0", 1}, {" 7", 8}, {"7\t", 8}};
  for (const Case& c : cases) {
    set("n", c.stored);
    ArithResult r = incr("n", 1);
    EXPECT_EQ(r.status, ArithStatus::kOk) << c.stored;
    EXPECT_EQ(r.value, c.after_incr) << c.stored;
  }
}

TEST_F(ArithmeticTest, MissingKeyIsNotFound) {
  EXPECT_EQ(incr("n", 1).status, ArithStatus::kNotFound);
  EXPECT_EQ(decr("n", 1).status, ArithStatus::kNotFound);
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.incr_misses, 1u);
  EXPECT_EQ(s.decr_misses, 1u);
}

TEST_F(ArithmeticTest, WrongCasIsExists) {
  set("n", "1");
  ArithResult r = cache_.arithmetic("n", {.increment = true, .delta = 1, .compare_cas = cas_of("n") + 1});
  EXPECT_EQ(r.status, ArithStatus::kExists);
  EXPECT_EQ(get("n"), "1");
}

TEST_F(ArithmeticTest, VivifyCreatesTheInitialValue) {
  ArithResult r = cache_.arithmetic("n", {.increment = true, .delta = 5, .vivify = true, .initial = 42});
  EXPECT_EQ(r.status, ArithStatus::kOk);
  EXPECT_TRUE(r.created);
  EXPECT_EQ(r.value, 42u);
  EXPECT_EQ(get("n"), "42");
  r = cache_.arithmetic("n", {.increment = true, .delta = 5, .vivify = true, .initial = 42});
  EXPECT_FALSE(r.created);
  EXPECT_EQ(r.value, 47u);
}

}  // namespace
}  // namespace memstripe::storage::testing
