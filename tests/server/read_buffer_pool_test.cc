#include "server/read_buffer_pool.h"

#include <gtest/gtest.h>

#include <cstring>

namespace memstripe::server {
namespace {

TEST(ReadBufferPool, TakenBufferIsEmptyAndFullSize) {
  ReadBufferPool pool;
  InputBuffer b;
  EXPECT_FALSE(b.held());
  pool.take(b);
  EXPECT_TRUE(b.held());
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.space(), ReadBufferPool::kBufferSize);
}

TEST(ReadBufferPool, GivenBufferIsReusedWithoutAllocating) {
  ReadBufferPool pool;
  InputBuffer b;
  pool.take(b);
  const char* first = b.data.get();
  pool.give(b);
  EXPECT_FALSE(b.held());
  EXPECT_EQ(pool.free_count(), 1u);
  InputBuffer c;
  pool.take(c);
  EXPECT_EQ(c.data.get(), first);
  EXPECT_EQ(pool.free_count(), 0u);
}

TEST(ReadBufferPool, KeepsAtMostMaxFreeBuffers) {
  ReadBufferPool pool;
  std::vector<InputBuffer> held(ReadBufferPool::kMaxFree + 5);
  for (auto& b : held) pool.take(b);
  for (auto& b : held) pool.give(b);
  EXPECT_EQ(pool.free_count(), ReadBufferPool::kMaxFree);
}

TEST(ReadBufferPool, CompactMovesKeptBytesToTheFront) {
  ReadBufferPool pool;
  InputBuffer b;
  pool.take(b);
  std::memcpy(b.data.get(), "get abc\r\nget de", 15);
  b.end = 15;
  b.begin = 9;
  b.compact();
  EXPECT_EQ(b.begin, 0u);
  EXPECT_EQ(b.size(), 6u);
  EXPECT_EQ(std::string(b.data.get(), b.size()), "get de");
}

TEST(ReadBufferPool, GrowDoublesKeepingTheBytesUpToTheLimit) {
  ReadBufferPool pool;
  InputBuffer b;
  pool.take(b);
  std::memset(b.data.get(), 'k', b.capacity);
  b.end = b.capacity;
  b.begin = 10;
  ASSERT_TRUE(ReadBufferPool::grow(b, 3 * ReadBufferPool::kBufferSize));
  EXPECT_EQ(b.capacity, 2 * ReadBufferPool::kBufferSize);
  EXPECT_EQ(b.begin, 0u);
  EXPECT_EQ(b.size(), ReadBufferPool::kBufferSize - 10);
  ASSERT_TRUE(ReadBufferPool::grow(b, 3 * ReadBufferPool::kBufferSize));
  EXPECT_EQ(b.capacity, 3 * ReadBufferPool::kBufferSize);  // capped at the limit
  EXPECT_FALSE(ReadBufferPool::grow(b, 3 * ReadBufferPool::kBufferSize));
  EXPECT_EQ(std::string(b.data.get(), b.size()), std::string(ReadBufferPool::kBufferSize - 10, 'k'));
}

TEST(ReadBufferPool, GrownBufferIsFreedNotPooled) {
  ReadBufferPool pool;
  InputBuffer b;
  pool.take(b);
  b.end = b.capacity;
  ASSERT_TRUE(ReadBufferPool::grow(b, 4 * ReadBufferPool::kBufferSize));
  b.begin = b.end = 0;
  pool.give(b);
  EXPECT_EQ(pool.free_count(), 0u);
}

}  // namespace
}  // namespace memstripe::server
