#include "cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

using StoreTest = CacheTest;

TEST_F(StoreTest, SetThenGetReturnsValueAndFlags) {
  ASSERT_EQ(set("k", "hello", 42), StoreStatus::kStored);
  ItemRef r = ref("k");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value(), "hello");
  EXPECT_EQ(r.flags(), 42u);
  EXPECT_EQ(r.key(), "k");
}

TEST_F(StoreTest, GetOfUnknownKeyMisses) {
  EXPECT_FALSE(get("nope"));
  EXPECT_EQ(cache_.stats().get_misses, 1u);
}

TEST_F(StoreTest, SetOverwrites) {
  set("k", "one");
  set("k", "two-longer");
  EXPECT_EQ(get("k"), "two-longer");
  EXPECT_EQ(cache_.stats().curr_items, 1u);
}

TEST_F(StoreTest, EmptyValueIsStored) {
  ASSERT_EQ(set("k", ""), StoreStatus::kStored);
  EXPECT_EQ(get("k"), "");
}

TEST_F(StoreTest, AddStoresOnlyWhenAbsent) {
  EXPECT_EQ(store(StoreMode::kAdd, "k", "first"), StoreStatus::kStored);
  EXPECT_EQ(store(StoreMode::kAdd, "k", "second"), StoreStatus::kNotStored);
  EXPECT_EQ(get("k"), "first");
}

TEST_F(StoreTest, ReplaceStoresOnlyWhenPresent) {
  EXPECT_EQ(store(StoreMode::kReplace, "k", "v"), StoreStatus::kNotStored);
  set("k", "old");
  EXPECT_EQ(store(StoreMode::kReplace, "k", "new"), StoreStatus::kStored);
  EXPECT_EQ(get("k"), "new");
}

TEST_F(StoreTest, AppendKeepsFlagsAndExptime) {
  set("k", "abc", 7, 100);
  RelTime exptime = ref("k").exptime();
  ASSERT_EQ(store(StoreMode::kAppend, "k", "def", 99, 5000), StoreStatus::kStored);
  ItemRef r = ref("k");
  EXPECT_EQ(r.value(), "abcdef");
  EXPECT_EQ(r.flags(), 7u);
  EXPECT_EQ(r.exptime(), exptime);
}

TEST_F(StoreTest, PrependKeepsFlagsAndExptime) {
  set("k", "abc", 7, 100);
  RelTime exptime = ref("k").exptime();
  ASSERT_EQ(store(StoreMode::kPrepend, "k", "xyz", 0, 0), StoreStatus::kStored);
  ItemRef r = ref("k");
  EXPECT_EQ(r.value(), "xyzabc");
  EXPECT_EQ(r.flags(), 7u);
  EXPECT_EQ(r.exptime(), exptime);
}

TEST_F(StoreTest, AppendToMissingKeyIsNotStored) {
  EXPECT_EQ(store(StoreMode::kAppend, "k", "x"), StoreStatus::kNotStored);
  EXPECT_EQ(store(StoreMode::kPrepend, "k", "x"), StoreStatus::kNotStored);
  EXPECT_FALSE(get("k"));
}

TEST_F(StoreTest, AppendGrowingPastItemSizeMaxIsNotStored) {
  std::size_t max = cache_.max_value_length(1, 0);
  ASSERT_EQ(set("k", std::string(max - 10, 'a')), StoreStatus::kStored);
  EXPECT_EQ(store(StoreMode::kAppend, "k", std::string(10, 'b')), StoreStatus::kStored);
  EXPECT_EQ(store(StoreMode::kAppend, "k", "c"), StoreStatus::kNotStored);
  EXPECT_EQ(get("k")->size(), max);
}

TEST_F(StoreTest, AppendWithWrongCasIsExists) {
  set("k", "a");
  EXPECT_EQ(store(StoreMode::kAppend, "k", "b", 0, 0, {.compare_cas = cas_of("k") + 1}), StoreStatus::kExists);
  EXPECT_EQ(store(StoreMode::kAppend, "k", "b", 0, 0, {.compare_cas = cas_of("k")}), StoreStatus::kStored);
  EXPECT_EQ(get("k"), "ab");
}

TEST_F(StoreTest, CasStoresWhenTheValueIsUnchanged) {
  set("k", "v1");
  std::uint64_t cas = cas_of("k");
  EXPECT_EQ(store(StoreMode::kCas, "k", "v2", 0, 0, {.compare_cas = cas}), StoreStatus::kStored);
  EXPECT_EQ(get("k"), "v2");
  EXPECT_NE(cas_of("k"), cas);
  EXPECT_EQ(cache_.stats().cas_hits, 1u);
}

TEST_F(StoreTest, CasAfterAnotherWriteIsExists) {
  set("k", "v1");
  std::uint64_t cas = cas_of("k");
  set("k", "v2");
  EXPECT_EQ(store(StoreMode::kCas, "k", "v3", 0, 0, {.compare_cas = cas}), StoreStatus::kExists);
  EXPECT_EQ(get("k"), "v2");
  EXPECT_EQ(cache_.stats().cas_badval, 1u);
}

TEST_F(StoreTest, CasOfMissingKeyIsNotFound) {
  EXPECT_EQ(store(StoreMode::kCas, "k", "v", 0, 0, {.compare_cas = 5}), StoreStatus::kNotFound);
  EXPECT_EQ(cache_.stats().cas_misses, 1u);
}

TEST_F(StoreTest, CasWithZeroIsExists) {
  set("k", "v");
  EXPECT_EQ(store(StoreMode::kCas, "k", "w", 0, 0, {.compare_cas = 0}), StoreStatus::kExists);
}

TEST_F(StoreTest, CasValuesAreUniqueAcrossKeysAndWrites) {
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    set("key" + std::to_string(i % 37), "v");
    ASSERT_TRUE(seen.insert(last_store_.cas).second);
    ASSERT_NE(last_store_.cas, 0u);
  }
}

// One sequence for the whole cache, as memcached's: a later write has a larger CAS than
// an earlier one, whatever their keys (and their shards).
TEST_F(StoreTest, CasValuesIncreaseAcrossKeysInTheOrderOfTheWrites) {
  std::uint64_t last = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string key = "key" + std::to_string(i);
    switch (i % 4) {
      case 0:
        ASSERT_EQ(set(key, "1"), StoreStatus::kStored);
        break;
      case 1:
        ASSERT_EQ(set(key, "v"), StoreStatus::kStored);
        ASSERT_EQ(store(StoreMode::kAppend, key, "w"), StoreStatus::kStored);
        break;
      case 2:
        ASSERT_EQ(set(key, "5"), StoreStatus::kStored);
        ASSERT_EQ(incr(key, 1).status, ArithStatus::kOk);
        break;
      case 3:
        ASSERT_EQ(set(key, "v"), StoreStatus::kStored);
        ASSERT_EQ(cache_.remove(key, {.invalidate = true}), RemoveStatus::kDeleted);
        break;
    }
    const std::uint64_t cas = cas_of(key);
    ASSERT_GT(cas, last) << key;
    last = cas;
  }
}

TEST_F(StoreTest, DeleteRemovesTheItem) {
  set("k", "v");
  EXPECT_EQ(cache_.remove("k"), RemoveStatus::kDeleted);
  EXPECT_FALSE(get("k"));
  EXPECT_EQ(cache_.remove("k"), RemoveStatus::kNotFound);
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.delete_hits, 1u);
  EXPECT_EQ(s.delete_misses, 1u);
  EXPECT_EQ(s.curr_items, 0u);
}

TEST_F(StoreTest, TooLargeIsRefusedAtMemcachedsExactBound) {
  // memcached 1.6.18 with -I 1m stores at most 1048576 - 59 bytes of key and value, 4
  // fewer when the flags are not zero.
  EXPECT_EQ(cache_.max_value_length(1, 0), 1048516u);
  EXPECT_EQ(cache_.max_value_length(250, 0), 1048267u);
  EXPECT_EQ(cache_.max_value_length(1, 5), 1048512u);
  EXPECT_EQ(cache_.allocate("k", 0, 0, 1048516).status, AllocStatus::kOk);
  EXPECT_EQ(cache_.allocate("k", 0, 0, 1048517).status, AllocStatus::kTooLarge);
  EXPECT_EQ(cache_.allocate("k", 5, 0, 1048513).status, AllocStatus::kTooLarge);
}

TEST_F(StoreTest, WithoutCasTheBoundIsEightBytesHigher) {
  CacheConfig config = small_config();
  config.use_cas = false;
  Cache cache(config, clock_);
  EXPECT_EQ(cache.max_value_length(1, 0), 1048524u);
}

TEST_F(StoreTest, TooLargeSetDropsTheOldValue) {
  set("k", "old");
  AllocResult a = cache_.allocate("k", 0, 0, 2 * kMiB, {.drop_old_if_refused = true});
  EXPECT_EQ(a.status, AllocStatus::kTooLarge);
  EXPECT_FALSE(get("k"));
  EXPECT_EQ(cache_.stats().store_too_large, 1u);
}

TEST_F(StoreTest, TooLargeAddKeepsTheOldValue) {
  set("k", "old");
  EXPECT_EQ(cache_.allocate("k", 0, 0, 2 * kMiB).status, AllocStatus::kTooLarge);
  EXPECT_EQ(get("k"), "old");
}

TEST_F(StoreTest, LargestValueRoundTrips) {
  std::string big = versioned_value("big", 1, cache_.max_value_length(3, 0));
  ASSERT_EQ(set("big", big), StoreStatus::kStored);
  EXPECT_EQ(get("big"), big);
}

TEST_F(StoreTest, KeysOf250BytesAndBinaryBytesWork) {
  std::string key(250, 'k');
  key[3] = '\t';
  key[7] = static_cast<char>(0xff);
  key[9] = '\x01';
  set(key, "v");
  EXPECT_EQ(get(key), "v");
}

TEST_F(StoreTest, BinaryKeyMarkIsKept) {
  AllocResult a = cache_.allocate("k", 0, 0, 1, {.binary_key = true});
  a.item.value()[0] = 'x';
  cache_.store(StoreMode::kSet, std::move(a.item));
  EXPECT_TRUE(ref("k").key_is_binary());
  set("plain", "y");
  EXPECT_FALSE(ref("plain").key_is_binary());
}

// Found by a differential run against memcached 1.6.18: `ms dXNlci80Mg== 2 b`, an empty
// `ms user/42 0 MP`, `ms user/42 3 MP`, then `mg user/42 k v` shows `kuser/42`: the
// combined item takes the marking of the write that made it.
TEST_F(StoreTest, AppendAndPrependTakeTheBinaryKeyMarkOfTheLatestWrite) {
  auto write = [&](StoreMode mode, std::string_view value, bool binary) {
    AllocResult a = cache_.allocate("user/42", 0, 0, value.size(), {.binary_key = binary});
    std::memcpy(a.item.value().data(), value.data(), value.size());
    return cache_.store(mode, std::move(a.item)).status;
  };
  ASSERT_EQ(write(StoreMode::kSet, "hi", true), StoreStatus::kStored);
  ASSERT_TRUE(ref("user/42").key_is_binary());
  ASSERT_EQ(write(StoreMode::kPrepend, "", false), StoreStatus::kStored);
  EXPECT_FALSE(ref("user/42").key_is_binary());
  ASSERT_EQ(write(StoreMode::kPrepend, "abc", false), StoreStatus::kStored);
  EXPECT_EQ(get("user/42"), "abchi");
  EXPECT_FALSE(ref("user/42").key_is_binary());
  ASSERT_EQ(write(StoreMode::kAppend, "!", true), StoreStatus::kStored);
  EXPECT_EQ(get("user/42"), "abchi!");
  EXPECT_TRUE(ref("user/42").key_is_binary());
}

TEST_F(StoreTest, ReferencedItemOutlivesOverwriteAndDelete) {
  set("k", "first");
  ItemRef held = ref("k");
  set("k", "second");
  cache_.remove("k");
  EXPECT_EQ(held.value(), "first");
  EXPECT_FALSE(get("k"));
}

TEST_F(StoreTest, StatsCountItemsAndBytes) {
  set("a", "12345");
  set("b", "1");
  CacheStats s = cache_.stats();
  EXPECT_EQ(s.curr_items, 2u);
  EXPECT_EQ(s.total_items, 2u);
  EXPECT_GT(s.bytes, 6u);
  EXPECT_EQ(s.limit_maxbytes, 64 * kMiB);
  cache_.reset_stats();
  s = cache_.stats();
  EXPECT_EQ(s.curr_items, 2u);
  EXPECT_EQ(s.total_items, 0u);
}

}  // namespace
}  // namespace memstripe::storage::testing
