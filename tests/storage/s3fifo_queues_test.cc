// S3-FIFO's two structures on their own: the small queue's ring and the ghost queue's
// table of fingerprints.
#include <gtest/gtest.h>

#include "storage/ghost_keys.h"
#include "storage/probation_queue.h"

namespace memstripe::storage::testing {
namespace {

TEST(ProbationQueueTest, EntriesComeOutInTheOrderTheyWentInAcrossGrowth) {
  ProbationQueue queue;
  std::uint32_t next_in = 1;
  std::uint32_t next_out = 1;
  // Interleaved so the ring wraps before it grows.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 30; ++i, ++next_in) queue.push({next_in, next_in * 7});
    for (int i = 0; i < 20; ++i, ++next_out) {
      ProbationQueue::Entry e = queue.pop();
      ASSERT_EQ(e.item, next_out);
      ASSERT_EQ(e.fingerprint, next_out * 7);
    }
  }
  EXPECT_EQ(queue.size(), next_in - next_out);
  while (!queue.empty()) ASSERT_EQ(queue.pop().item, next_out++);
  EXPECT_EQ(next_out, next_in);
}

TEST(GhostKeysTest, ARememberedKeyIsFoundOnceAndAnotherIsNot) {
  GhostKeys ghost(1024);
  const std::uint32_t a = GhostKeys::fingerprint(0x1234'5678'9abc'def0ULL);
  const std::uint32_t b = GhostKeys::fingerprint(0x0fed'cba9'8765'4321ULL);
  ghost.remember(a);
  EXPECT_FALSE(ghost.forget(b));
  EXPECT_TRUE(ghost.forget(a));
  EXPECT_FALSE(ghost.forget(a));
}

TEST(GhostKeysTest, ItForgetsTheOldKeysOnceFullAndKeepsMostOfTheNewest) {
  GhostKeys ghost(4096);
  EXPECT_EQ(ghost.bytes(), 4096u * 4);
  auto fp = [](std::uint64_t i) { return GhostKeys::fingerprint(i * 0x9e37'79b9'7f4a'7c15ULL); };
  for (std::uint64_t i = 0; i < 40'960; ++i) ghost.remember(fp(i));
  std::size_t old_found = 0;
  std::size_t new_found = 0;
  for (std::uint64_t i = 0; i < 1024; ++i) old_found += ghost.forget(fp(i));
  for (std::uint64_t i = 40'960 - 1024; i < 40'960; ++i) new_found += ghost.forget(fp(i));
  EXPECT_LT(old_found, 20u);
  EXPECT_GT(new_found, 512u);
}

}  // namespace
}  // namespace memstripe::storage::testing
