// -e: a cache whose item memory is a file finds its items again when a new Cache opens
// the same file with the same settings, whatever the old one was doing when it went; the
// clocks are the tests', so "ten seconds stopped" is a clock that starts ten seconds later.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "storage/cas_sequence.h"
#include "tests/storage/cache_fixture.h"

namespace memstripe::storage::testing {
namespace {

constexpr std::time_t kStart = 1'700'000'000;

class WarmRestart : public ::testing::Test {
 protected:
  WarmRestart() {
    const std::string shm = std::filesystem::exists("/dev/shm") ? "/dev/shm" : ::testing::TempDir();
    std::string pattern = shm + "/memstripe-warm-XXXXXX";
    dir_ = ::mkdtemp(pattern.data());
    path_ = dir_ + "/cache";
  }
  ~WarmRestart() override {
    cache_.reset();
    std::filesystem::remove_all(dir_);
  }

  CacheConfig config(std::size_t mib = 16) const {
    CacheConfig c;
    c.memory_limit = mib * kMiB;
    c.item_size_max = 2 * kMiB;
    c.shard_count = 4;
    c.memory_file = path_;
    return c;
  }
  // Opens (or reopens) the cache on the file, its clock starting at `unix_start`.
  Cache& open(std::time_t unix_start = kStart, CacheConfig c = {}) {
    if (c.memory_file.empty()) c = config();
    cache_.reset();
    clock_ = std::make_unique<Clock>(unix_start);
    cache_ = std::make_unique<Cache>(c, *clock_);
    return *cache_;
  }
  StoreResult set(std::string_view key, std::string_view value, std::int64_t exptime = 0, std::uint32_t flags = 0) {
    AllocResult a = cache_->allocate(key, flags, exptime, value.size());
    EXPECT_EQ(a.status, AllocStatus::kOk);
    std::memcpy(a.item.value().data(), value.data(), value.size());
    return cache_->store(StoreMode::kSet, std::move(a.item));
  }
  std::optional<std::string> get(std::string_view key) {
    ReadResult r = cache_->read(key);
    if (!r.item) return std::nullopt;
    return std::string(r.item.value());
  }
  // The file's bytes, for the tests that damage it.
  std::string file_bytes() const {
    std::ifstream in(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void write_at(std::size_t offset, std::string_view bytes) const {
    int fd = ::open(path_.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset)),
              static_cast<ssize_t>(bytes.size()));
    ::close(fd);
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Cache> cache_;
};

TEST_F(WarmRestart, AFirstStartIsColdAndSaysWhy) {
  const RestartReport& r = open().restart_report();
  EXPECT_FALSE(r.warm);
  EXPECT_EQ(r.cold_reason, "the file is empty");
}

TEST_F(WarmRestart, EveryItemComesBackWithItsFlagsAndCasAndLaterCasValuesAreLarger) {
  open();
  std::uint64_t highest = 0;
  // Enough keys to grow every shard's index several times, values from 2 B to 1 MiB.
  for (int i = 0; i < 20000; ++i) {
    const std::string key = "k" + std::to_string(i);
    highest = std::max(highest, set(key, versioned_value(key, 1, 2 + i % 300), 0, i).cas);
  }
  for (std::size_t size : {std::size_t{40'000}, std::size_t{300'000}, kMiB}) {
    const std::string key = "large" + std::to_string(size);
    highest = std::max(highest, set(key, versioned_value(key, 1, size)).cas);
  }
  const std::uint64_t cas_of_k7 = cache_->read("k7").item.cas();
  ASSERT_EQ(cache_->remove("k9"), RemoveStatus::kDeleted);

  const RestartReport& r = open().restart_report();
  ASSERT_TRUE(r.warm) << r.cold_reason;
  EXPECT_TRUE(r.stopped_gracefully);
  EXPECT_EQ(r.recovered, 20000u - 1 + 3);
  EXPECT_EQ(r.broken, 0u);
  for (int i = 0; i < 20000; ++i) {
    const std::string key = "k" + std::to_string(i);
    ReadResult got = cache_->read(key);
    if (i == 9) {
      EXPECT_FALSE(got.item) << "a deleted item came back";
      continue;
    }
    ASSERT_TRUE(got.item) << key;
    EXPECT_EQ(got.item.value(), versioned_value(key, 1, 2 + i % 300));
    EXPECT_EQ(got.item.flags(), static_cast<std::uint32_t>(i));
  }
  for (std::size_t size : {std::size_t{40'000}, std::size_t{300'000}, kMiB}) {
    const std::string key = "large" + std::to_string(size);
    EXPECT_EQ(get(key), versioned_value(key, 1, size)) << key;
  }
  EXPECT_EQ(cache_->read("k7").item.cas(), cas_of_k7);
  EXPECT_GT(set("after", "x").cas, highest);
  EXPECT_EQ(cache_->stats().curr_items, 20000u - 1 + 3 + 1);
}

TEST_F(WarmRestart, TimeSpentStoppedCountsTowardExpiry) {
  open(kStart);
  set("five", "5", 5);
  set("two-hundred", "200", 200);
  set("forever", "f");
  // Ten seconds later, by a clock that starts ten seconds on.
  open(kStart + 10);
  EXPECT_EQ(cache_->restart_report().expired, 1u);
  EXPECT_EQ(get("five"), std::nullopt);
  EXPECT_EQ(get("two-hundred"), "200");
  EXPECT_EQ(get("forever"), "f");
  ItemDescription d = cache_->describe("two-hundred");
  EXPECT_EQ(clock_->unix_started() + d.info.exptime, kStart + 200) << "the TTL keeps its unix deadline";
  clock_->advance(190);
  EXPECT_EQ(get("two-hundred"), std::nullopt);
}

TEST_F(WarmRestart, AFlushAllBeforeTheStopStaysApplied) {
  open();
  set("before", "b");
  cache_->flush();
  set("after", "a");
  open(kStart + 1);
  EXPECT_EQ(get("before"), std::nullopt);
  EXPECT_EQ(get("after"), "a");
}

TEST_F(WarmRestart, AnItemWhoseBytesChangedIsDroppedAndTheOthersServed) {
  open();
  const std::string marked(64, 'M');
  set("damaged", marked);
  set("small-intact", "fine");
  const std::string big = versioned_value("big-damaged", 3, 200'000);
  set("big-damaged", big);
  cache_.reset();
  const std::string bytes = file_bytes();
  const std::size_t at = bytes.find(marked);
  ASSERT_NE(at, std::string::npos);
  write_at(at + 10, "m");  // one byte of the value
  const std::size_t big_at = bytes.find(big.substr(1000, 64));
  ASSERT_NE(big_at, std::string::npos);
  write_at(big_at, "!");

  const RestartReport& r = open().restart_report();
  ASSERT_TRUE(r.warm);
  EXPECT_EQ(r.broken, 2u);
  EXPECT_EQ(r.recovered, 1u);
  EXPECT_EQ(get("damaged"), std::nullopt);
  EXPECT_EQ(get("big-damaged"), std::nullopt);
  EXPECT_EQ(get("small-intact"), "fine");
  // The memory of what was dropped is free again.
  set("damaged", "new");
  EXPECT_EQ(get("damaged"), "new");
}

TEST_F(WarmRestart, AFileCutShortKeepsWhatItStillHolds) {
  open();
  set("first", std::string(100, 'a'));
  for (int i = 0; i < 2000; ++i) set("k" + std::to_string(i), std::string(1000, 'v'));
  const std::string last(1000, 'z');
  set("last", last);
  cache_.reset();
  const std::size_t at = file_bytes().rfind(last);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(::truncate(path_.c_str(), static_cast<off_t>(at + 10)), 0);

  const RestartReport& r = open().restart_report();
  ASSERT_TRUE(r.warm);
  EXPECT_EQ(get("first"), std::string(100, 'a'));
  EXPECT_EQ(get("last"), std::nullopt);
  EXPECT_EQ(r.broken, 1u) << "the item cut in two";
}

TEST_F(WarmRestart, AFileOfZerosOrOfAnotherLayoutStartsCold) {
  open();
  set("k", "v");
  cache_.reset();
  const std::size_t size = file_bytes().size();
  write_at(0, std::string(4096, '\0'));
  EXPECT_EQ(open().restart_report().cold_reason, "not a memstripe memory file");
  EXPECT_EQ(get("k"), std::nullopt);
  set("k", "v2");
  cache_.reset();
  EXPECT_EQ(file_bytes().size(), size) << "the file is reused";
  ASSERT_EQ(::truncate(path_.c_str(), 0), 0);
  ASSERT_EQ(::truncate(path_.c_str(), static_cast<off_t>(size)), 0);
  EXPECT_EQ(open().restart_report().cold_reason, "not a memstripe memory file");
}

TEST_F(WarmRestart, OtherSettingsStartColdAndSayWhich) {
  open();
  set("k", "v");
  EXPECT_EQ(open(kStart, config(32)).restart_report().cold_reason,
            "restart incompatible due to setting for [maxbytes] (-m)");
  EXPECT_EQ(get("k"), std::nullopt);
  set("k", "v");
  CacheConfig other_item_size = config(32);
  other_item_size.item_size_max = kMiB;
  EXPECT_EQ(open(kStart, other_item_size).restart_report().cold_reason,
            "restart incompatible due to setting for [item_size_max] (-I)");
  CacheConfig no_cas = other_item_size;
  no_cas.use_cas = false;
  EXPECT_EQ(open(kStart, no_cas).restart_report().cold_reason, "restart incompatible due to setting for [use_cas] (-C)");
}

TEST_F(WarmRestart, ValuesChangedInPlaceComeBackAsTheyWereLast) {
  open();
  set("counter", "100");
  ASSERT_EQ(cache_->arithmetic("counter", {.increment = true, .delta = 5}).status, ArithStatus::kOk);
  set("stale", "s");
  ASSERT_EQ(cache_->remove("stale", {.invalidate = true}), RemoveStatus::kDeleted);
  const std::uint64_t stale_cas = cache_->read("stale").item.cas();
  open();
  EXPECT_EQ(cache_->restart_report().broken, 0u);
  EXPECT_EQ(get("counter"), "105");
  EXPECT_EQ(cache_->read("stale").item.cas(), stale_cas);
  EXPECT_TRUE(cache_->read("stale", {.meta = true}).stale);
}

TEST_F(WarmRestart, AnEvictingCacheRestartsWithEveryPageItStillHolds) {
  open();
  // Four times the memory, in two sizes, so pages move between classes.
  for (int i = 0; i < 40000; ++i) {
    const std::string key = "k" + std::to_string(i);
    set(key, versioned_value(key, 1, i % 2 == 0 ? 300 : 1500));
  }
  const std::size_t held = cache_->stats().curr_items;
  ASSERT_GT(cache_->stats().evictions, 0u);
  const RestartReport& r = open().restart_report();
  EXPECT_EQ(r.recovered, held);
  EXPECT_EQ(r.broken, 0u);
  std::size_t found = 0;
  for (int i = 0; i < 40000; ++i) {
    const std::string key = "k" + std::to_string(i);
    if (std::optional<std::string> v = get(key)) {
      ++found;
      EXPECT_EQ(*v, versioned_value(key, 1, i % 2 == 0 ? 300 : 1500));
    }
  }
  EXPECT_EQ(found, held);
  for (int i = 0; i < 20000; ++i) set("again" + std::to_string(i), std::string(700, 'x'));
  EXPECT_LE(cache_->stats().allocated_bytes, 16 * kMiB);
}

}  // namespace
}  // namespace memstripe::storage::testing

namespace memstripe::storage::testing {
namespace {

// After a crash nothing is written at exit: the file's ceiling alone must be above every
// CAS value handed out, so that the next process starts above them all.
TEST(CasCeiling, NoValueIsHandedOutAboveTheCeilingInTheFileAndARestartStartsAboveThemAll) {
  std::atomic<std::uint64_t> ceiling{0};
  CasSequence before;
  before.persist_in(ceiling, 10);
  std::uint64_t last = 0;
  for (int i = 0; i < 3 * static_cast<int>(CasSequence::kBlock); ++i) {
    last = before.next();
    ASSERT_LE(last, ceiling.load());
  }
  EXPECT_GT(last, 10u);
  EXPECT_LE(ceiling.load(), last + CasSequence::kBlock) << "raised a block at a time";
  CasSequence after;
  after.persist_in(ceiling, 0);
  EXPECT_GT(after.next(), last);
  EXPECT_GT(after.upcoming(), last);
}

}  // namespace
}  // namespace memstripe::storage::testing
