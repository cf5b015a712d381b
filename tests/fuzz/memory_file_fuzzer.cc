// Fuzz target: a restart from a damaged memory file (-e; storage/memory_file.h, the
// recovery in storage/memory_manager.cc and storage/cache.cc). A cache of every kind of
// item (small, with flags, base64 keys, counters, stale, large values, deleted ones) is
// written to a file once; each input is a list of edits to that file (offset, bytes),
// anywhere in its header, page descriptors, pages or large-value region. The cache opened
// on the edited file must not crash or leak, must keep its counters in step with what it
// serves, and must go on working: every item it serves is read whole, and new stores, reads
// and deletes, enough to evict, behave.
//
// What it cannot check: that a served value is one that was stored. The seal is a hash
// against torn writes, and a fuzzer that sees the comparison can forge one (a crafted file
// is not what -e defends against: FILE is the server's, mode 0600).
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "storage/cache.h"

namespace {

using namespace memstripe::storage;

constexpr std::size_t kMiB = 1024 * 1024;

CacheConfig config(const std::string& path) {
  CacheConfig c;
  c.memory_limit = 2 * kMiB;
  c.item_size_max = 512 * 1024;
  c.shard_count = 2;
  c.memory_file = path;
  return c;
}

void set(Cache& cache, const std::string& key, const std::string& value, std::uint32_t flags = 0,
         bool binary_key = false) {
  AllocResult a = cache.allocate(key, flags, 0, value.size(), {.binary_key = binary_key});
  if (a.status != AllocStatus::kOk) return;
  std::memcpy(a.item.value().data(), value.data(), value.size());
  cache.store(StoreMode::kSet, std::move(a.item));
}

struct Pristine {
  std::string path;
  std::string bytes;  // the file as the first cache left it

  Pristine() {
    const std::string dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    path = dir + "/memstripe-fuzz-memory-file-" + std::to_string(::getpid());
    std::filesystem::remove(path);
    {
      Clock clock(1'700'000'000);
      Cache cache(config(path), clock);
      for (int i = 0; i < 300; ++i) set(cache, "k" + std::to_string(i), std::string(1 + i * 7 % 900, 'a' + i % 26), i);
      set(cache, "AAEC", "binary key", 0, true);
      set(cache, "counter", "41");
      cache.arithmetic("counter", {.increment = true, .delta = 1});
      set(cache, "stale", "s");
      cache.remove("stale", {.invalidate = true});
      set(cache, "large1", std::string(100'000, 'L'));
      set(cache, "large2", std::string(300'000, 'M'));
      set(cache, "deleted", "d");
      cache.remove("deleted");
    }
    int fd = ::open(path.c_str(), O_RDONLY);
    const off_t size = ::lseek(fd, 0, SEEK_END);
    bytes.resize(static_cast<std::size_t>(size));
    FUZZ_CHECK(::pread(fd, bytes.data(), bytes.size(), 0) == size);
    ::close(fd);
  }
  ~Pristine() { std::filesystem::remove(path); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Pristine pristine;
  // The file as it was, then the input's edits: [u32 offset][u8 length][bytes]..., each
  // offset taken modulo the file's size.
  std::string file = pristine.bytes;
  std::size_t i = 0;
  while (i + 5 <= size) {
    std::uint32_t offset;
    std::memcpy(&offset, data + i, 4);
    std::size_t length = data[i + 4];
    i += 5;
    length = std::min(length, size - i);
    const std::size_t at = offset % file.size();
    length = std::min(length, file.size() - at);
    std::memcpy(file.data() + at, data + i, length);
    i += length;
  }
  // Written back sparse: only the 64 KiB blocks that hold anything (most of the large-value
  // region is a hole), which keeps an execution to a few milliseconds.
  int fd = ::open(pristine.path.c_str(), O_WRONLY | O_TRUNC);
  FUZZ_CHECK(fd >= 0);
  FUZZ_CHECK(::ftruncate(fd, static_cast<off_t>(file.size())) == 0);
  constexpr std::size_t kBlock = 64 * 1024;
  static const std::string zeros(kBlock, '\0');
  for (std::size_t at = 0; at < file.size(); at += kBlock) {
    const std::size_t n = std::min(kBlock, file.size() - at);
    if (std::memcmp(file.data() + at, zeros.data(), n) == 0) continue;
    FUZZ_CHECK(::pwrite(fd, file.data() + at, n, static_cast<off_t>(at)) == static_cast<ssize_t>(n));
  }
  ::close(fd);

  Clock clock(1'700'000'000);
  Cache cache(config(pristine.path), clock);
  const RestartReport& report = cache.restart_report();
  // What it serves it counts, and reads whole.
  std::size_t listed = 0;
  cache.for_each_item([&](const ItemInfo& item) {
    FUZZ_CHECK(!item.key.empty() && item.key.size() <= kMaxKeyLength);
    ++listed;
    return true;
  });
  const CacheStats stats = cache.stats();
  FUZZ_CHECK(stats.curr_items == listed);
  FUZZ_CHECK(!report.warm || report.recovered == listed);
  for (int k = 0; k < 300; ++k) {
    ReadResult r = cache.read("k" + std::to_string(k));
    if (r.item) {
      std::string_view v = r.item.value();
      volatile char sink = v.empty() ? 0 : v[v.size() - 1];
      (void)sink;
    }
  }
  // And it goes on working: stores that evict what came back, reads, deletes.
  for (int k = 0; k < 400; ++k) set(cache, "new" + std::to_string(k), std::string(3000, 'n'));
  FUZZ_CHECK(cache.read("new399").item);
  set(cache, "large3", std::string(400'000, 'X'));
  ReadResult large = cache.read("large3");
  FUZZ_CHECK(large.item && large.item.value() == std::string(400'000, 'X'));
  cache.remove("new399");
  FUZZ_CHECK(!cache.read("new399").item);
  FUZZ_CHECK(cache.stats().allocated_bytes <= config(pristine.path).memory_limit);
  return 0;
}
