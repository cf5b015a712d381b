// The hot path allocates nothing once warm: a Session answering pipelined storage and
// retrieval commands, and its OutputQueue, reuse what they have. Its own executable,
// because it replaces the global operator new to count.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "session_fixture.h"

namespace {

std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted_allocation(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace memstripe::protocol::testing {
namespace {

class HotPath : public SessionTest {
 protected:
  // Answers `input` three times to warm up (index, pools, queue blocks), then twenty more
  // times counting allocations.
  void expect_no_allocation_once_warm(const std::string& input) {
    for (int round = 0; round < 3; ++round) send(input);

    allocations = 0;
    counting = true;
    std::size_t replies = 0;
    for (int round = 0; round < 20; ++round) {
      std::string_view rest = input;
      while (!rest.empty()) {
        const std::size_t used = session_->process(rest, out_);
        ASSERT_GT(used, 0u);
        rest.remove_prefix(used);
      }
      while (!out_.empty()) {
        iovec iov[64];
        const std::size_t n = out_.gather(iov, 64);
        std::size_t bytes = 0;
        for (std::size_t i = 0; i < n; ++i) bytes += iov[i].iov_len;
        replies += bytes;
        out_.consume(bytes);
      }
    }
    counting = false;
    EXPECT_GT(replies, 0u);
    EXPECT_EQ(allocations.load(), 0u);
  }
};

std::string workload() {
  std::string input;
  for (int i = 0; i < 50; ++i) {
    const std::string key = "key:" + std::to_string(i);
    input += "set " + key + " 7 0 32\r\n" + std::string(32, 'v') + "\r\n";
    input += "get " + key + " key:missing\r\n";
    input += "gets " + key + "\r\n";
  }
  input += "set big 0 0 4000\r\n" + std::string(4000, 'b') + "\r\nget big\r\n";
  input += "set counter 0 0 1\r\n1\r\nincr counter 5\r\ndecr counter 2\r\n";
  input += "touch key:1 100\r\ndelete key:2\r\nappend key:3 0 0 1\r\n!\r\nversion\r\n";
  return input;
}

// The meta protocol's commands (me aside: a debug command that lists the size classes).
std::string meta_workload() {
  std::string input;
  for (int i = 0; i < 50; ++i) {
    const std::string key = "meta:" + std::to_string(i);
    input += "ms " + key + " 32 T100 F5 c k Oop\r\n" + std::string(32, 'v') + "\r\n";
    input += "mg " + key + " v c f t s k Oop h l\r\nmg meta:missing v q k\r\nmg " + key + " q\r\n";
  }
  input += "ms Zm9v 3 b q\r\nbar\r\nmg foo k v\r\nmg Zm9v b k v c\r\n";
  input += "ms big 4000 MS\r\n" + std::string(4000, 'b') + "\r\nmg big v\r\n";
  input += "ma counter N0 J5 v t c\r\nma counter D3 MD v\r\nma counter q\r\n";
  input += "md meta:1 I T30\r\nmg meta:1 v c\r\nmg meta:1 v c\r\nms meta:1 1 C1 I\r\nx\r\n";
  input += "mg viv N30 R10 T20 t v\r\nmd viv q\r\nmd meta:2 q\r\nms meta:3 1 MA\r\n!\r\nmn\r\n";
  return input;
}

TEST(AllocationCounter, CountsAllocations) {
  allocations = 0;
  counting = true;
  int* p = new int(7);
  asm volatile("" : : "g"(p) : "memory");  // keep the allocation from being elided
  delete p;
  counting = false;
  EXPECT_EQ(allocations.load(), 1u);
}

TEST_F(HotPath, AnsweringPipelinedCommandsAllocatesNothingOnceWarm) { expect_no_allocation_once_warm(workload()); }

TEST_F(HotPath, AnsweringPipelinedMetaCommandsAllocatesNothingOnceWarm) {
  expect_no_allocation_once_warm(meta_workload());
}

}  // namespace
}  // namespace memstripe::protocol::testing
