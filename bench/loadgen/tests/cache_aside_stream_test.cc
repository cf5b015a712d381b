#include "cache_aside_stream.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace loadgen {
namespace {

Options synthetic(std::uint64_t keys) {
  Options o;
  o.workload = Workload::kCacheAside;
  o.key_count = keys;
  o.distribution = KeyDistribution::kZipf;
  o.value_distribution = ValueDistribution::kLognormal;
  return o;
}

std::vector<CacheAsideRequest> take(const Options& o, std::size_t n) {
  CacheAsideStream stream(o);
  std::vector<CacheAsideRequest> out(n);
  for (auto& r : out) EXPECT_TRUE(stream.next(r));
  return out;
}

bool same(const CacheAsideRequest& a, const CacheAsideRequest& b) {
  return a.key == b.key && a.key_class == b.key_class && a.value_size == b.value_size && a.ttl == b.ttl &&
         a.scan_phase == b.scan_phase;
}

TEST(CacheAsideStream, IsTheSameSequenceForTheSameSeed) {
  Options o = synthetic(1000);
  o.one_hit_wonders = 0.2;
  o.scan_every = 100;
  o.scan_length = 30;
  const auto a = take(o, 5000), b = take(o, 5000);
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_TRUE(same(a[i], b[i])) << i;
  o.seed = 9;
  const auto c = take(o, 5000);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differ += same(a[i], c[i]) ? 0 : 1;
  EXPECT_GT(differ, 2500u);
}

TEST(CacheAsideStream, AKeyIsAlwaysAskedWithItsSize) {
  const auto requests = take(synthetic(50), 5000);
  std::vector<std::uint32_t> size_of(50, 0);
  for (const auto& r : requests) {
    ASSERT_EQ(r.key_class, KeyClass::kPopular);
    ASSERT_LT(r.key, 50u);
    if (size_of[r.key] == 0) size_of[r.key] = r.value_size;
    EXPECT_EQ(r.value_size, size_of[r.key]);
  }
}

TEST(CacheAsideStream, OneHitWondersAreTheirShareAndNeverAskedAgain) {
  Options o = synthetic(1000);
  o.one_hit_wonders = 0.2;
  const auto requests = take(o, 100000);
  std::set<std::uint64_t> wonders;
  std::size_t count = 0;
  for (const auto& r : requests) {
    if (r.key_class != KeyClass::kOneHitWonder) continue;
    ++count;
    EXPECT_TRUE(wonders.insert(r.key).second) << "asked again: " << r.key;
  }
  EXPECT_NEAR(static_cast<double>(count), 20000, 600);
}

TEST(CacheAsideStream, AScanSweepsItsKeysInOrderBesideTheOrdinaryRequests) {
  Options o = synthetic(1000);
  o.scan_every = 100;
  o.scan_length = 40;
  const auto requests = take(o, 100 + 79 + 100 + 10);
  // 100 ordinary requests before the first scan ...
  for (std::size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(requests[i].key_class, KeyClass::kPopular);
    EXPECT_EQ(requests[i].scan_phase, ScanPhase::kBefore);
  }
  // ... then the scan's 40 keys, in order, every other request, popular ones between ...
  for (std::size_t i = 0; i < 79; ++i) {
    const auto& r = requests[100 + i];
    EXPECT_EQ(r.scan_phase, ScanPhase::kDuring) << i;
    if (i % 2 == 0) {
      EXPECT_EQ(r.key_class, KeyClass::kScan);
      EXPECT_EQ(r.key, i / 2);
    } else {
      EXPECT_EQ(r.key_class, KeyClass::kPopular);
    }
  }
  // ... 100 ordinary after it, then the next scan goes on with the next keys.
  for (std::size_t i = 179; i < 279; ++i) {
    EXPECT_EQ(requests[i].key_class, KeyClass::kPopular);
    EXPECT_EQ(requests[i].scan_phase, ScanPhase::kAfter);
  }
  EXPECT_EQ(requests[279].key_class, KeyClass::kScan);
  EXPECT_EQ(requests[279].key, 40u);
}

TEST(CacheAsideStream, SetsCarryTheTtl) {
  Options o = synthetic(10);
  o.ttl = 60;
  for (const auto& r : take(o, 100)) EXPECT_EQ(r.ttl, 60u);
}

}  // namespace
}  // namespace loadgen
