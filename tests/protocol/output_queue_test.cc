// The reply queue: text in stable blocks, large values by reference, gathered writes.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "protocol/output_queue.h"
#include "session_fixture.h"
#include "storage/cache.h"

namespace memstripe::protocol {
namespace {

using testing::drain;

class OutputQueueTest : public ::testing::Test {
 protected:
  OutputQueueTest() : clock_(1'700'000'000), cache_(config(), clock_) {}
  static storage::CacheConfig config() {
    storage::CacheConfig c;
    c.memory_limit = 16 * testing::kMiB;
    c.shard_count = 1;
    return c;
  }
  storage::ItemRef item(std::string_view key, std::string_view value) {
    storage::AllocResult a = cache_.allocate(key, 0, 0, value.size());
    std::memcpy(a.item.value().data(), value.data(), value.size());
    cache_.store(storage::StoreMode::kSet, std::move(a.item));
    return cache_.read(key).item;
  }
  std::size_t gathered_entries(const OutputQueue& q) {
    iovec iov[64];
    return q.gather(iov, 64);
  }

  storage::Clock clock_;
  storage::Cache cache_;
};

TEST_F(OutputQueueTest, StartsEmpty) {
  OutputQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.pending_bytes(), 0u);
  EXPECT_EQ(gathered_entries(q), 0u);
}

TEST_F(OutputQueueTest, GathersAppendedTextAsOneEntry) {
  OutputQueue q;
  q.append("STORED\r\n");
  q.append("END\r\n");
  char* p = q.reserve(10);
  std::memcpy(p, "42\r\n", 4);
  q.commit(4);
  EXPECT_EQ(q.pending_bytes(), 17u);
  EXPECT_EQ(gathered_entries(q), 1u);
  EXPECT_EQ(drain(q), "STORED\r\nEND\r\n42\r\n");
  EXPECT_TRUE(q.empty());
}

TEST_F(OutputQueueTest, CopiesShortValuesAndReferencesLongOnes) {
  OutputQueue q;
  const std::string big(OutputQueue::kCopyValuesBelow, 'v');
  storage::ItemRef small_item = item("small", "tiny");
  storage::ItemRef big_item = item("big", big);
  q.append("A");
  q.append_value(small_item);
  q.append("B");
  q.append_value(big_item);
  q.append("C");
  iovec iov[8];
  ASSERT_EQ(q.gather(iov, 8), 3u);
  EXPECT_EQ(std::string(static_cast<char*>(iov[0].iov_base), iov[0].iov_len), "AtinyB");
  EXPECT_EQ(iov[1].iov_base, big_item.value().data()) << "the value is sent from the item itself";
  EXPECT_EQ(drain(q), "AtinyB" + big + "C");
}

TEST_F(OutputQueueTest, KeepsAReferencedValueAliveAfterTheItemIsReplaced) {
  OutputQueue q;
  const std::string first(4096, 'a');
  q.append_value(item("k", first));
  item("k", std::string(4096, 'b'));  // replaced in the cache meanwhile
  ASSERT_TRUE(cache_.remove("k") == storage::RemoveStatus::kDeleted);
  EXPECT_EQ(drain(q), first);
}

TEST_F(OutputQueueTest, ConsumesPartialWritesAcrossSegments) {
  OutputQueue q;
  const std::string big(1000, 'x');
  q.append("hello ");
  q.append_value(item("k", big));
  q.append(" bye");
  std::string sent;
  while (!q.empty()) {
    iovec iov[4];
    const std::size_t n = q.gather(iov, 4);
    ASSERT_GT(n, 0u);
    // Send at most 7 bytes per "write".
    const std::size_t len = std::min<std::size_t>(7, iov[0].iov_len);
    sent.append(static_cast<char*>(iov[0].iov_base), len);
    q.consume(len);
  }
  EXPECT_EQ(sent, "hello " + big + " bye");
}

TEST_F(OutputQueueTest, LeavesGatheredBytesInPlaceWhileMoreIsAppended) {
  OutputQueue q;
  q.append("first reply\r\n");
  iovec before[1];
  ASSERT_EQ(q.gather(before, 1), 1u);
  const char* address = static_cast<const char*>(before[0].iov_base);
  for (int i = 0; i < 10000; ++i) q.append("more replies appended while a write is in flight\r\n");
  EXPECT_EQ(std::string(address, 13), "first reply\r\n");
  iovec after[1];
  q.gather(after, 1);
  EXPECT_EQ(after[0].iov_base, before[0].iov_base);
}

TEST_F(OutputQueueTest, SpreadsLongTextOverBlocks) {
  OutputQueue q;
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "STAT line " + std::to_string(i) + "\r\n";
  ASSERT_GT(text.size(), 2 * OutputQueue::kBlockSize);
  q.append(text);
  EXPECT_GT(gathered_entries(q), 1u);
  EXPECT_EQ(drain(q), text);
}

TEST_F(OutputQueueTest, GivesALargeReservationOneContiguousBlock) {
  OutputQueue q;
  q.append("x");
  const std::size_t n = 3 * OutputQueue::kBlockSize;
  char* p = q.reserve(n);
  std::memset(p, 'y', n);
  q.commit(n);
  EXPECT_EQ(drain(q), "x" + std::string(n, 'y'));
}

TEST_F(OutputQueueTest, LimitsGatherToTheEntriesGiven) {
  OutputQueue q;
  const std::string big(600, 'z');
  storage::ItemRef it = item("k", big);
  for (int i = 0; i < 10; ++i) {
    q.append_value(it);
    q.append("\r\n");
  }
  iovec iov[3];
  EXPECT_EQ(q.gather(iov, 3), 3u);
  EXPECT_EQ(q.pending_bytes(), 10 * (big.size() + 2));
}

TEST_F(OutputQueueTest, ClearDropsEverythingAndTheQueueIsReusable) {
  OutputQueue q;
  q.append_value(item("k", std::string(800, 'q')));
  q.append("tail");
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(gathered_entries(q), 0u);
  q.append("again");
  EXPECT_EQ(drain(q), "again");
}

TEST_F(OutputQueueTest, StaysCorrectThroughManyFillAndDrainCycles) {
  OutputQueue q;
  storage::ItemRef it = item("k", std::string(700, 'w'));
  std::string expected;
  std::string sent;
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < round % 7 + 1; ++i) {
      const std::string line = "VALUE k 0 700 " + std::to_string(round) + "\r\n";
      q.append(line);
      q.append_value(it);
      q.append("\r\n");
      expected += line + std::string(700, 'w') + "\r\n";
    }
    // Drain only part of it, so the queue is rarely empty.
    iovec iov[5];
    const std::size_t n = q.gather(iov, 5);
    std::size_t bytes = 0;
    for (std::size_t j = 0; j < n; ++j) {
      sent.append(static_cast<char*>(iov[j].iov_base), iov[j].iov_len);
      bytes += iov[j].iov_len;
    }
    q.consume(bytes);
  }
  sent += drain(q);
  EXPECT_EQ(sent, expected);
}

TEST_F(OutputQueueTest, ReleasesItsMemoryOnlyWhenEmpty) {
  OutputQueue q;
  q.append("pending");
  q.release_memory();
  EXPECT_EQ(drain(q), "pending");
  q.release_memory();
  q.append("after release");
  EXPECT_EQ(drain(q), "after release");
}

}  // namespace
}  // namespace memstripe::protocol
