#include "client/arguments.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "client/numbers.h"

namespace client {
namespace {

// The options and values a walk finds, as "option=value" ("option" alone for a flag).
std::vector<std::string> walk(std::vector<std::string> args, const std::vector<std::string>& with_value) {
  std::vector<char*> argv{const_cast<char*>("tool")};
  for (auto& a : args) argv.push_back(a.data());
  Arguments arguments(static_cast<int>(argv.size()), argv.data());
  std::vector<std::string> seen;
  while (arguments.next()) {
    std::string item(arguments.option());
    std::string_view v;
    for (const std::string& name : with_value) {
      if (arguments.is(name)) item += arguments.value(v) ? "=" + std::string(v) : "=<none>";
    }
    seen.push_back(item);
  }
  return seen;
}

TEST(Arguments, TakesValuesInlineOrFromTheNextArgument) {
  EXPECT_EQ(walk({"-c", "5", "--keys=100", "--keys", "7", "--batch", "--json="}, {"-c", "--keys", "--json"}),
            (std::vector<std::string>{"-c=5", "--keys=100", "--keys=7", "--batch", "--json="}));
}

TEST(Arguments, AShortOptionHasNoInlineValue) {
  EXPECT_EQ(walk({"-c=5"}, {"-c"}), (std::vector<std::string>{"-c=5"}));
  EXPECT_EQ(walk({"-c=5"}, {"-c=5"}), (std::vector<std::string>{"-c=5=<none>"}));
}

TEST(Arguments, AValueMissingAtTheEndIsReported) {
  EXPECT_EQ(walk({"--keys"}, {"--keys"}), (std::vector<std::string>{"--keys=<none>"}));
}

TEST(Arguments, ASwitchGivenAValueInlineIgnoresIt) {
  EXPECT_EQ(walk({"--batch=1", "-q"}, {}), (std::vector<std::string>{"--batch", "-q"}));
}

TEST(Numbers, AreReadWholeOrNotAtAll) {
  unsigned u = 0;
  EXPECT_TRUE(parse_integer("42", u));
  EXPECT_EQ(u, 42u);
  EXPECT_FALSE(parse_integer("", u));
  EXPECT_FALSE(parse_integer("4x", u));
  EXPECT_FALSE(parse_integer("-1", u));
  EXPECT_FALSE(parse_integer(" 1", u));
  std::uint16_t port = 0;
  EXPECT_FALSE(parse_integer("65536", port));
  double d = 0;
  EXPECT_TRUE(parse_finite("2.5", d));
  EXPECT_DOUBLE_EQ(d, 2.5);
  EXPECT_FALSE(parse_finite("inf", d));
  EXPECT_FALSE(parse_finite("1.5s", d));
}

}  // namespace
}  // namespace client
