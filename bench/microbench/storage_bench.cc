// The storage engine through its public header (storage/cache.h): get hit, get miss and
// set on one thread and with every core contending, on one shard and on many; sets, gets
// and a Zipf-skewed mix on random keys at one and two threads (what one CAS sequence for
// the whole cache costs: every set takes a value from it), beside what the machine itself
// allows two threads; and how many items a memory limit holds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "storage/cache.h"
#include "storage/clock.h"

namespace {

using memstripe::storage::Cache;
using memstripe::storage::CacheConfig;
using memstripe::storage::Clock;
using memstripe::storage::StoreMode;

constexpr std::size_t kKeys = 100000;
constexpr std::size_t kKeySize = 32;

// Keys formatted once, so the loop measures the cache and not snprintf.
const std::vector<std::string>& keys() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    v.reserve(kKeys);
    char buf[kKeySize + 1];
    for (std::size_t i = 0; i < kKeys; ++i) {
      std::snprintf(buf, sizeof buf, "key:%028zu", i);
      v.emplace_back(buf, kKeySize);
    }
    return v;
  }();
  return all;
}

bool set(Cache& cache, std::string_view key, std::size_t value_size) {
  auto alloc = cache.allocate(key, 0, 0, value_size);
  if (alloc.status != memstripe::storage::AllocStatus::kOk) return false;
  auto value = alloc.item.value();
  std::memset(value.data(), 'v', value.size());
  cache.store(StoreMode::kSet, std::move(alloc.item));
  return true;
}

// One cache shared by a benchmark's threads: thread 0 builds it before the timed loop
// (Google Benchmark starts every thread's loop together) and drops it after.
Clock& shared_clock() {
  static Clock clock;
  return clock;
}
std::unique_ptr<Cache> g_cache;

void setup(const benchmark::State& state, unsigned shards, bool fill) {
  if (state.thread_index() != 0) return;
  CacheConfig config;
  config.memory_limit = std::size_t{256} << 20;
  config.shard_count = shards;
  g_cache = std::make_unique<Cache>(config, shared_clock());
  if (fill)
    for (const auto& k : keys()) set(*g_cache, k, 32);
}

void teardown(const benchmark::State& state) {
  if (state.thread_index() == 0) g_cache.reset();
}

// Each thread walks the keys from its own offset with a stride that is coprime with kKeys.
std::size_t start_of(const benchmark::State& state) { return state.thread_index() * (kKeys / 7); }
constexpr std::size_t kStride = 7919;

void BM_GetHit(benchmark::State& state) {
  setup(state, static_cast<unsigned>(state.range(0)), true);
  const auto& k = keys();
  std::size_t i = start_of(state);
  for (auto _ : state) {
    auto r = g_cache->read(k[i]);
    benchmark::DoNotOptimize(r.item);
    i = (i + kStride) % kKeys;
  }
  state.SetItemsProcessed(state.iterations());
  teardown(state);
}

void BM_GetMiss(benchmark::State& state) {
  setup(state, static_cast<unsigned>(state.range(0)), false);
  const auto& k = keys();
  std::size_t i = start_of(state);
  for (auto _ : state) {
    auto r = g_cache->read(k[i]);
    benchmark::DoNotOptimize(r.item);
    i = (i + kStride) % kKeys;
  }
  state.SetItemsProcessed(state.iterations());
  teardown(state);
}

void BM_Set(benchmark::State& state) {
  setup(state, static_cast<unsigned>(state.range(0)), false);
  const auto& k = keys();
  std::size_t i = start_of(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(set(*g_cache, k[i], 32));
    i = (i + kStride) % kKeys;
  }
  state.SetItemsProcessed(state.iterations());
  teardown(state);
}

// range(0): shard count. 1 shard with every core contending shows the lock; 16 shards
// show how far striping takes it.
const int kCores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
BENCHMARK(BM_GetHit)->ArgName("shards")->Arg(16)->Threads(1)->UseRealTime();
BENCHMARK(BM_GetHit)->ArgName("shards")->Arg(1)->Arg(16)->Threads(kCores)->UseRealTime();
BENCHMARK(BM_GetMiss)->ArgName("shards")->Arg(16)->Threads(1)->UseRealTime();
BENCHMARK(BM_GetMiss)->ArgName("shards")->Arg(1)->Arg(16)->Threads(kCores)->UseRealTime();
BENCHMARK(BM_Set)->ArgName("shards")->Arg(16)->Threads(1)->UseRealTime();
BENCHMARK(BM_Set)->ArgName("shards")->Arg(1)->Arg(16)->Threads(kCores)->UseRealTime();

// Random key sequences, drawn once so the loops measure the cache and not the generator:
// one per thread, each walked in a loop. Uniform over the keys, or Zipf with exponent 1.2
// (the hottest key takes about a fifth of the accesses, so a few shards are hot).
constexpr std::size_t kSequence = std::size_t{1} << 16;
constexpr int kMaxThreads = 2;

std::vector<std::uint32_t> uniform_sequence(unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::uint32_t> pick(0, kKeys - 1);
  std::vector<std::uint32_t> v(kSequence);
  for (auto& k : v) k = pick(rng);
  return v;
}

std::vector<std::uint32_t> zipf_sequence(unsigned seed) {
  static const std::vector<double> cdf = [] {
    std::vector<double> c(kKeys);
    double sum = 0;
    for (std::size_t r = 0; r < kKeys; ++r) c[r] = sum += 1.0 / std::pow(static_cast<double>(r + 1), 1.2);
    for (double& x : c) x /= sum;
    return c;
  }();
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::uint32_t> v(kSequence);
  for (auto& k : v) {
    auto rank = static_cast<std::size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
    k = static_cast<std::uint32_t>(std::min(rank, kKeys - 1));
  }
  return v;
}

const std::vector<std::uint32_t>& sequence_for(const benchmark::State& state, bool zipf) {
  static const auto uniform = [] {
    std::vector<std::vector<std::uint32_t>> v;
    for (int t = 0; t < kMaxThreads; ++t) v.push_back(uniform_sequence(100 + t));
    return v;
  }();
  static const auto skewed = [] {
    std::vector<std::vector<std::uint32_t>> v;
    for (int t = 0; t < kMaxThreads; ++t) v.push_back(zipf_sequence(200 + t));
    return v;
  }();
  return (zipf ? skewed : uniform)[static_cast<std::size_t>(state.thread_index()) % kMaxThreads];
}

// Runs `op(key, step)` over this thread's key sequence on a 16-shard cache.
template <class Op>
void run_sequence(benchmark::State& state, bool zipf, bool fill, Op op) {
  const auto& seq = sequence_for(state, zipf);
  setup(state, 16, fill);
  const auto& k = keys();
  std::size_t i = 0;
  for (auto _ : state) {
    op(k[seq[i]], i);
    i = (i + 1) % kSequence;
  }
  state.SetItemsProcessed(state.iterations());
  teardown(state);
}

void get(std::string_view key) {
  auto r = g_cache->read(key);
  benchmark::DoNotOptimize(r.item);
}

void BM_SetRandom(benchmark::State& state) {
  run_sequence(state, false, false, [](std::string_view key, std::size_t) {
    benchmark::DoNotOptimize(set(*g_cache, key, 32));
  });
}

void BM_GetRandom(benchmark::State& state) {
  run_sequence(state, false, true, [](std::string_view key, std::size_t) { get(key); });
}

// A get and a set in turn, on Zipf 1.2 keys.
void BM_GetSetZipf(benchmark::State& state) {
  run_sequence(state, true, true, [](std::string_view key, std::size_t step) {
    if (step % 2 == 0) {
      get(key);
    } else {
      benchmark::DoNotOptimize(set(*g_cache, key, 32));
    }
  });
}

BENCHMARK(BM_SetRandom)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_GetRandom)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_GetSetZipf)->Threads(1)->Threads(2)->UseRealTime();

// What the machine allows, for the scaling above: random reads of a private 64 MiB array,
// three dependent on each other per iteration (as a get's bucket, item header and key),
// no lock and nothing shared. Its two-thread figure over its one-thread one is the most a
// get could scale here.
void BM_MachineRandomReads(benchmark::State& state) {
  std::vector<std::uint32_t> table((std::size_t{64} << 20) / sizeof(std::uint32_t));
  std::mt19937 rng(static_cast<unsigned>(state.thread_index()) + 1);
  for (auto& x : table) x = rng();
  const std::size_t mask = table.size() - 1;
  std::uint32_t at = static_cast<std::uint32_t>(state.thread_index());
  for (auto _ : state) {
    for (int hop = 0; hop < 3; ++hop) at = table[(at * 2654435761u) & mask];
    benchmark::DoNotOptimize(at);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MachineRandomReads)->Threads(1)->Threads(2)->UseRealTime();

// Items a 64 MiB limit holds, with 14 B keys (memcached's comparison in PERFORMANCE.md):
// fill until the first eviction. range(0): value bytes.
void BM_ItemsHeld(benchmark::State& state) {
  const auto value_size = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kLimit = std::size_t{64} << 20;
  std::uint64_t items = 0;
  for (auto _ : state) {
    CacheConfig config;
    config.memory_limit = kLimit;
    Cache cache(config, shared_clock());
    char key[15];
    for (std::size_t i = 0;; ++i) {
      std::snprintf(key, sizeof key, "m%013zu", i);
      if (!set(cache, std::string_view(key, 14), value_size)) break;
      if (i % 256 == 255 && cache.stats().evictions > 0) break;
    }
    items = cache.stats().curr_items;
  }
  state.counters["items"] = static_cast<double>(items);
  state.counters["items_per_MiB"] = static_cast<double>(items) / 64.0;
}
BENCHMARK(BM_ItemsHeld)->ArgName("value_bytes")->Arg(100)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
