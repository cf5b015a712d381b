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

TEST(Options, ReadsTheCacheAsideWorkload) {
  const auto p = parse({"--unix", "/x", "--workload", "cache-aside", "--keys", "5000", "--value-sizes", "lognormal",
                        "--value-median", "230", "--value-sigma", "0.8", "--one-hit-wonders", "0.2", "--scan-every",
                        "1000", "--scan-length", "200", "--ttl", "60", "--warmup-requests", "300", "-t", "4"});
  ASSERT_TRUE(p.options) << p.message;
  const Options& o = *p.options;
  EXPECT_TRUE(o.cache_aside());
  EXPECT_EQ(o.value_distribution, ValueDistribution::kLognormal);
  EXPECT_DOUBLE_EQ(o.value_sigma, 0.8);
  EXPECT_DOUBLE_EQ(o.one_hit_wonders, 0.2);
  EXPECT_EQ(o.scan_every, 1000u);
  EXPECT_EQ(o.scan_length, 200u);
  EXPECT_EQ(o.ttl, 60u);
  EXPECT_EQ(o.warmup_requests, 300u);
  EXPECT_EQ(o.requests, 5000u);  // one get per key unless -n says otherwise
  EXPECT_EQ(o.threads, 1u);      // one stream, one thread
}

TEST(Options, ATraceIsReplayedCacheAside) {
  const auto p = parse({"--unix", "/x", "--trace", "t.bin", "--trace-format", "oracle-general"});
  ASSERT_TRUE(p.options) << p.message;
  EXPECT_TRUE(p.options->cache_aside());
  EXPECT_EQ(p.options->trace_format, TraceFormat::kOracleGeneral);
  EXPECT_EQ(p.options->requests, 0u);  // to the trace's end
  EXPECT_FALSE(parse({"--unix", "/x", "--trace", "t.csv", "--key-size", "20"}).options);
}

TEST(Options, RejectsBadCacheAsideValues) {
  EXPECT_FALSE(parse({"--unix", "/x", "--workload", "cache-aside", "--protocol", "binary"}).options);
  EXPECT_FALSE(parse({"--tcp", "127.0.0.1:1", "--workload", "cache-aside", "--tls"}).options);
  EXPECT_FALSE(parse({"--tcp", "127.0.0.1:1", "--workload", "cache-aside", "--connection-per-request"}).options);
  EXPECT_FALSE(parse({"--unix", "/x", "--workload", "cache-aside", "--one-hit-wonders", "1"}).options);
  EXPECT_FALSE(parse({"--unix", "/x", "--workload", "cache-aside", "--scan-every", "10"}).options);
  EXPECT_FALSE(parse({"--unix", "/x", "--value-range", "10:5"}).options);
  EXPECT_FALSE(parse({"--unix", "/x", "--workload", "cache-aside", "--value-size", "2000", "--value-cap", "1000"}).options);
  // Keys must fit every index asked, one-hit wonders' included.
  EXPECT_FALSE(parse({"--unix", "/x", "--workload", "cache-aside", "--key-size", "4", "--keys", "100", "-n", "5000"}).options);
  EXPECT_TRUE(parse({"--unix", "/x", "--workload", "cache-aside", "--key-size", "5", "--keys", "100", "-n", "5000"}).options);
}

TEST(Options, HelpExitsCleanly) {
  const auto p = parse({"--help"});
  EXPECT_FALSE(p.options);
  EXPECT_EQ(p.exit_code, 0);
  EXPECT_NE(p.message.find("--pipeline"), std::string::npos);
}

}  // namespace
}  // namespace loadgen
