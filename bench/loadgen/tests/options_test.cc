#include "options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace loadgen {
namespace {

ParsedOptions parse(std::vector<std::string> args) {
  std::vector<char*> argv{const_cast<char*>("memstripe-bench")};
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, ReadsATcpTargetAndTheLoad) {
  const auto p = parse({"--tcp", "127.0.0.1:11211", "-c", "50", "-P", "16", "--ratio=1:10", "--multiget", "16",
                        "--distribution", "zipf", "--zipf-skew", "1.2", "-d", "2.5", "--rate", "1000"});
  ASSERT_TRUE(p.options) << p.message;
  const Options& o = *p.options;
  EXPECT_TRUE(o.is_tcp());
  EXPECT_EQ(o.endpoint.host, "127.0.0.1");
  EXPECT_EQ(o.endpoint.port, 11211);
  EXPECT_EQ(o.connections, 50u);
  EXPECT_EQ(o.pipeline, 16u);
  EXPECT_EQ(o.set_ratio, 1u);
  EXPECT_EQ(o.get_ratio, 10u);
  EXPECT_EQ(o.multiget, 16u);
  EXPECT_EQ(o.distribution, KeyDistribution::kZipf);
  EXPECT_DOUBLE_EQ(o.zipf_skew, 1.2);
  EXPECT_DOUBLE_EQ(o.duration_s, 2.5);
  EXPECT_TRUE(o.open_loop());
  EXPECT_EQ(o.max_in_flight(), o.max_outstanding);
}

TEST(Options, ReadsAUnixTarget) {
  const auto p = parse({"--unix", "/tmp/x.sock"});
  ASSERT_TRUE(p.options);
  EXPECT_FALSE(p.options->is_tcp());
  EXPECT_EQ(p.options->target(), "unix:/tmp/x.sock");
}

TEST(Options, NeedsExactlyOneTarget) {
  EXPECT_FALSE(parse({}).options);
  EXPECT_EQ(parse({}).exit_code, 2);
  EXPECT_FALSE(parse({"--tcp", "h:1", "--unix", "/x"}).options);
}

TEST(Options, RejectsBadValues) {
  EXPECT_FALSE(parse({"--tcp", "h"}).options);
  EXPECT_FALSE(parse({"--tcp", "h:0"}).options);
  EXPECT_FALSE(parse({"--tcp", "h:1", "-c", "0"}).options);
  EXPECT_FALSE(parse({"--tcp", "h:1", "--ratio", "3"}).options);
  EXPECT_FALSE(parse({"--tcp", "h:1", "--multiget", "101"}).options);
  EXPECT_FALSE(parse({"--tcp", "h:1", "--duration", "abc"}).options);
  EXPECT_FALSE(parse({"--tcp", "h:1", "--bogus"}).options);
}

TEST(Options, KeysMustFitTheKeySize) {
  EXPECT_FALSE(parse({"--tcp", "h:1", "--keys", "100000", "--key-size", "5"}).options);
  EXPECT_TRUE(parse({"--tcp", "h:1", "--keys", "100000", "--key-size", "6"}).options);
}

TEST(Options, NoMoreThreadsThanConnections) {
  const auto p = parse({"--tcp", "h:1", "-c", "2", "-t", "8"});
  ASSERT_TRUE(p.options);
  EXPECT_EQ(p.options->threads, 2u);
}

TEST(Options, HelpExitsCleanly) {
  const auto p = parse({"--help"});
  EXPECT_FALSE(p.options);
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_NE(p.message.find("--pipeline"), std::string::npos);
}

}  // namespace
}  // namespace loadgen
