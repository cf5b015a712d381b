// Several threads on one cache: exact counters, and no torn, stale-by-mistake or misrouted
// value under eviction. Run under ThreadSanitizer by `make tsan`.
#include <atomic>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

constexpr int kThreads = 4;

CacheConfig config_of(std::size_t mib, unsigned shards) {
  CacheConfig c;
  c.memory_limit = mib * kMiB;
  c.shard_count = shards;
  return c;
}

template <class Body>
void run_threads(int n, Body body) {
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back(body, t);
  for (auto& th : threads) th.join();
}

TEST(ConcurrencyTest, ConcurrentIncrementsOfOneKeyAreExact) {
  Clock clock;
  Cache cache(config_of(16, 16), clock);
  AllocResult a = cache.allocate("n", 0, 0, 1);
  a.item.value()[0] = '0';
  cache.store(StoreMode::kSet, std::move(a.item));
  const int per_thread = 20000;
  run_threads(kThreads, [&](int) {
    for (int i = 0; i < per_thread; ++i) {
      // Hold a reader now and then, which forces the replace path instead of in place.
      ItemRef reader;
      if (i % 7 == 0) reader = cache.read("n").item;
      ASSERT_EQ(cache.arithmetic("n", {.increment = true, .delta = 1}).status, ArithStatus::kOk);
    }
  });
  ReadResult r = cache.read("n");
  std::string v(r.item.value());
  EXPECT_EQ(std::stoull(v), static_cast<std::uint64_t>(kThreads) * per_thread);
}

TEST(ConcurrencyTest, ConcurrentAppendsLoseNothing) {
  Clock clock;
  Cache cache(config_of(16, 4), clock);
  AllocResult a = cache.allocate("log", 0, 0, 0);
  cache.store(StoreMode::kSet, std::move(a.item));
  const int per_thread = 500;
  run_threads(kThreads, [&](int t) {
    for (int i = 0; i < per_thread; ++i) {
      AllocResult piece = cache.allocate("log", 0, 0, 1);
      piece.item.value()[0] = static_cast<char>('a' + t);
      ASSERT_EQ(cache.store(StoreMode::kAppend, std::move(piece.item)).status, StoreStatus::kStored);
    }
  });
  std::string v(cache.read("log").item.value());
  ASSERT_EQ(v.size(), static_cast<std::size_t>(kThreads * per_thread));
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(std::count(v.begin(), v.end(), 'a' + t), per_thread);
}

// One CAS sequence for the whole cache: each thread's writes, to keys in any shard, get
// increasing values, and no value is handed out twice.
TEST(ConcurrencyTest, CasValuesAreUniqueAndIncreaseInEachThreadsOrder) {
  Clock clock;
  Cache cache(config_of(16, 16), clock);
  const int per_thread = 5000;
  std::vector<std::vector<std::uint64_t>> seen(kThreads);
  run_threads(kThreads, [&](int t) {
    for (int i = 0; i < per_thread; ++i) {
      std::string key = "t" + std::to_string(t) + ":" + std::to_string(i % 300);
      AllocResult a = cache.allocate(key, 0, 0, 1);
      a.item.value()[0] = 'v';
      seen[static_cast<std::size_t>(t)].push_back(cache.store(StoreMode::kSet, std::move(a.item)).cas);
    }
  });
  std::set<std::uint64_t> all;
  for (const auto& values : seen) {
    for (std::size_t i = 1; i < values.size(); ++i) ASSERT_GT(values[i], values[i - 1]);
    all.insert(values.begin(), values.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads) * per_thread);
}

// Writers store self-checking values of many sizes (some with their own mapping) in a
// cache far too small for them; readers check every value they get is whole and is the
// one of the key they asked for.
void churn_and_verify(unsigned shards, EvictionPolicy eviction = EvictionPolicy::kClock) {
  Clock clock;
  CacheConfig config = config_of(8, shards);
  config.eviction = eviction;
  Cache cache(config, clock);
  std::atomic<std::uint64_t> versions{0};
  std::atomic<std::uint64_t> checked{0};
  std::atomic<bool> corrupt{false};
  run_threads(kThreads, [&](int t) {
    std::mt19937_64 rng(t + 100);
    for (int i = 0; i < 6000 && !corrupt; ++i) {
      std::string key = "key:" + std::to_string(rng() % 400);
      if (rng() % 2 == 0) {
        std::size_t size = rng() % 8 == 0 ? rng() % 300000 : rng() % 2000;
        std::string v = versioned_value(key, ++versions, size);
        AllocResult a = cache.allocate(key, static_cast<std::uint32_t>(size), 0, size);
        if (a.status != AllocStatus::kOk) continue;
        std::memcpy(a.item.value().data(), v.data(), size);
        cache.store(StoreMode::kSet, std::move(a.item));
      } else {
        ReadResult r = cache.read(key);
        if (!r.item) continue;
        // The flags carry the size the writer meant, the bytes carry key and version.
        if (r.item.key() != key || r.item.flags() != r.item.value().size() ||
            !is_whole_value(key, r.item.value())) {
          corrupt = true;
        }
        ++checked;
      }
    }
  });
  EXPECT_FALSE(corrupt);
  EXPECT_GT(checked.load(), 1000u);
  CacheStats s = cache.stats();
  EXPECT_GT(s.evictions, 0u);
  EXPECT_LE(s.allocated_bytes, s.limit_maxbytes);
}

TEST(ConcurrencyTest, ReadersNeverSeeTornOrMisroutedValuesWithManyShards) { churn_and_verify(64); }

TEST(ConcurrencyTest, ReadersNeverSeeTornOrMisroutedValuesOnOneShard) { churn_and_verify(1); }

// S3-FIFO's small queues are read and written under their class's lock while the ghost
// table is shared by every thread without one.
TEST(ConcurrencyTest, ReadersNeverSeeTornOrMisroutedValuesUnderS3Fifo) {
  churn_and_verify(64, EvictionPolicy::kS3Fifo);
}

TEST(ConcurrencyTest, MixedOperationsWithExpiryAndSweepingStayConsistent) {
  Clock clock;
  Cache cache(config_of(4, 16), clock);
  std::atomic<bool> stop{false};
  std::thread sweeper([&] {
    while (!stop) {
      cache.sweep_expired(500);
      clock.advance(1);
    }
  });
  run_threads(kThreads, [&](int t) {
    std::mt19937_64 rng(t);
    for (int i = 0; i < 20000; ++i) {
      std::string key = "k" + std::to_string(rng() % 300);
      switch (rng() % 6) {
        case 0: {
          AllocResult a = cache.allocate(key, 0, static_cast<std::int64_t>(rng() % 3), 2);
          if (a.status != AllocStatus::kOk) break;
          std::memcpy(a.item.value().data(), "10", 2);
          cache.store(StoreMode::kSet, std::move(a.item));
          break;
        }
        case 1:
          cache.arithmetic(key, {.increment = rng() % 2 == 0, .delta = 3});
          break;
        case 2:
          cache.remove(key);
          break;
        case 3:
          cache.touch(key, static_cast<std::int64_t>(rng() % 5));
          break;
        case 4:
          cache.read(key, {.vivify = rng() % 4 == 0, .vivify_exptime = 2});
          break;
        default:
          if (rng() % 500 == 0) cache.flush();
          cache.read(key);
      }
    }
  });
  stop = true;
  sweeper.join();
  CacheStats s = cache.stats();
  std::uint64_t listed = 0;
  cache.for_each_item([&](const ItemInfo&) {
    ++listed;
    return true;
  });
  EXPECT_LE(listed, s.curr_items);
}

}  // namespace
}  // namespace memstripe::storage::testing
