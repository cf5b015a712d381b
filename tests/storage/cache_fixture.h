// A cache with a clock the test controls, and short helpers that read like the protocol.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "storage/cache.h"

namespace memstripe::storage::testing {

inline constexpr std::size_t kMiB = 1024 * 1024;

class CacheTest : public ::testing::Test {
 protected:
  explicit CacheTest(CacheConfig config = small_config()) : clock_(1'700'000'000), cache_(config, clock_) {}

  static CacheConfig small_config() {
    CacheConfig c;
    c.memory_limit = 64 * kMiB;
    c.shard_count = 16;
    return c;
  }

  StoreStatus store(StoreMode mode, std::string_view key, std::string_view value, std::uint32_t flags = 0,
                    std::int64_t exptime = 0, StoreOptions options = {}) {
    AllocResult a = cache_.allocate(key, flags, exptime, value.size(), {.drop_old_if_refused = mode == StoreMode::kSet});
    // A refused allocation stores nothing; the tests that look at why call allocate() themselves.
    if (a.status != AllocStatus::kOk) return StoreStatus::kNotStored;
    std::memcpy(a.item.value().data(), value.data(), value.size());
    last_store_ = cache_.store(mode, std::move(a.item), options);
    return last_store_.status;
  }
  StoreStatus set(std::string_view key, std::string_view value, std::uint32_t flags = 0, std::int64_t exptime = 0) {
    return store(StoreMode::kSet, key, value, flags, exptime);
  }
  std::optional<std::string> get(std::string_view key) {
    ReadResult r = cache_.read(key);
    if (!r.item) return std::nullopt;
    return std::string(r.item.value());
  }
  ItemRef ref(std::string_view key) { return cache_.read(key).item; }
  std::uint64_t cas_of(std::string_view key) {
    ItemRef r = ref(key);
    return r ? r.cas() : 0;
  }
  ArithResult incr(std::string_view key, std::uint64_t delta) {
    return cache_.arithmetic(key, {.increment = true, .delta = delta});
  }
  ArithResult decr(std::string_view key, std::uint64_t delta) {
    return cache_.arithmetic(key, {.increment = false, .delta = delta});
  }

  Clock clock_;
  Cache cache_;
  StoreResult last_store_;
};

// A value whose every byte is derived from the key and a version, so a reader can tell a
// whole value from a torn or misrouted one.
inline std::string versioned_value(std::string_view key, std::uint64_t version, std::size_t size) {
  std::string v(size, '\0');
  std::uint64_t x = std::hash<std::string_view>{}(key) ^ (version * 0x9E3779B97F4A7C15ull);
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v[i] = static_cast<char>('a' + x % 26);
  }
  if (size >= 8) std::memcpy(v.data(), &version, 8);
  return v;
}

inline bool is_whole_value(std::string_view key, std::string_view value) {
  if (value.size() < 8) return true;
  std::uint64_t version;
  std::memcpy(&version, value.data(), 8);
  return value == versioned_value(key, version, value.size());
}

}  // namespace memstripe::storage::testing
