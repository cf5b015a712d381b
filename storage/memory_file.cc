#include "storage/memory_file.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <vector>

#include "storage/item.h"
#include "storage/size_classes.h"

namespace memstripe::storage {
namespace {

constexpr char kMagic[16] = "memstripe-mem";
constexpr std::size_t kHeaderBytes = 4096;

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

// The chunk sizes and the item header: a build that carves pages differently cannot read
// this one's.
std::uint64_t classes_fingerprint() {
  const SizeClasses& classes = size_classes();
  std::vector<std::uint64_t> shape;
  shape.push_back(Item::kHeaderSize);
  shape.push_back(sizeof(PageInfo));
  for (unsigned c = 0; c < classes.count(); ++c) shape.push_back(classes.chunk_size(c));
  return XXH3_64bits(shape.data(), shape.size() * sizeof shape[0]);
}

[[noreturn]] void fail(const std::string& path, const char* what) {
  throw std::runtime_error("memory file " + path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

MemoryFile::MemoryFile(const std::string& path, const MemoryFileSettings& settings)
    : path_(path), settings_(settings) {
  // Page 0 is never handed out (offset 0 means "no item"), and the budget bounds the pages
  // in use by memory_limit / kPageSize, so ids stay below this.
  page_count_ = settings.memory_limit / kPageSize + 1;
  // Values too large for a chunk are at most the budget together; twice that leaves room
  // for the gaps between them. The file is sparse: only what is written takes memory.
  large_size_ = round_up(2 * settings.memory_limit, kPageSize);
  const std::size_t infos_bytes = round_up(page_count_ * sizeof(PageInfo), kPageSize);
  const std::size_t pages_offset = round_up(kHeaderBytes, kPageSize) + infos_bytes;
  const std::size_t large_offset = pages_offset + page_count_ * kPageSize;
  map_size_ = large_offset + large_size_;

  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) fail(path, "cannot open");
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(path, "cannot stat");
  const std::size_t found_size = static_cast<std::size_t>(st.st_size);
  struct statfs fs {};
  if (::fstatfs(fd_, &fs) != 0) fail(path, "cannot stat its filesystem");
  in_memory_ = fs.f_type == TMPFS_MAGIC;
  // The file is sparse, and a write into it that the filesystem has no room for is a
  // SIGBUS, not an error: refuse to start unless everything the budget may write fits.
  const std::size_t held = static_cast<std::size_t>(st.st_blocks) * 512;
  const std::size_t room = static_cast<std::size_t>(fs.f_bavail) * fs.f_bsize + held;
  const std::size_t needed = pages_offset + settings.memory_limit;
  if (room < needed) {
    ::close(fd_);
    throw std::runtime_error("memory file " + path + ": its filesystem has room for " +
                             std::to_string(room >> 20) + " MiB, and -m " + std::to_string(settings.memory_limit >> 20) +
                             " needs up to " + std::to_string((needed + (1 << 20) - 1) >> 20) +
                             " MiB there: give it a larger tmpfs, or a smaller -m");
  }
  // A file cut short keeps what it still holds: the rest reads as zeros, which no item is.
  if (found_size != map_size_ && ::ftruncate(fd_, static_cast<off_t>(map_size_)) != 0) fail(path, "cannot size");
  void* p = ::mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd_, 0);
  if (p == MAP_FAILED) fail(path, "cannot map");
  map_ = static_cast<char*>(p);
  header_ = reinterpret_cast<MemoryFileHeader*>(map_);
  infos_ = reinterpret_cast<PageInfo*>(map_ + round_up(kHeaderBytes, kPageSize));
  pages_ = map_ + pages_offset;
  large_ = map_ + large_offset;

  const MemoryFileHeader& h = *header_;
  if (found_size < sizeof(MemoryFileHeader)) {
    start_cold(found_size == 0 ? "the file is empty" : "the file is too short for a header");
  } else if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    start_cold("not a memstripe memory file");
  } else if (h.layout != kLayout || h.page_size != kPageSize || h.classes_fingerprint != classes_fingerprint()) {
    start_cold("written by a memstripe with another memory layout");
  } else if (h.memory_limit != settings.memory_limit || h.page_count != page_count_ ||
             h.large_region_size != large_size_) {
    start_cold("restart incompatible due to setting for [maxbytes] (-m)");
  } else if (h.item_size_max != settings.item_size_max) {
    start_cold("restart incompatible due to setting for [item_size_max] (-I)");
  } else if (h.use_cas != (settings.use_cas ? 1u : 0u)) {
    start_cold("restart incompatible due to setting for [use_cas] (-C)");
  } else {
    warm_ = true;
    if (found_size != map_size_) cold_reason_ = "the file was cut short; its tail reads as empty";
  }
  previous_large_address_ = warm_ ? h.large_region_address : 0;
  stopped_gracefully_ = warm_ && h.stopped_gracefully != 0;
  header_->large_region_address = reinterpret_cast<std::uintptr_t>(large_);
  header_->stopped_gracefully = 0;
}

MemoryFile::~MemoryFile() {
  if (header_ != nullptr) header_->stopped_gracefully = 1;
  if (map_ != nullptr) ::munmap(map_, map_size_);
  if (fd_ >= 0) ::close(fd_);
}

void MemoryFile::start_cold(const std::string& why) {
  warm_ = false;
  cold_reason_ = why;
  // Whatever the file held is gone: its pages read as zeros, every page descriptor as
  // "no class" once the arena writes them, and the header describes this process.
  if (::fallocate(fd_, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(map_size_)) != 0) {
    // A filesystem without holes: the page descriptors at least must say "no class", or a
    // later restart would read an older cache's pages.
    std::memset(map_, 0, static_cast<std::size_t>(pages_ - map_));
  }
  MemoryFileHeader& h = *header_;
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.layout = kLayout;
  h.page_size = kPageSize;
  h.classes_fingerprint = classes_fingerprint();
  h.memory_limit = settings_.memory_limit;
  h.item_size_max = settings_.item_size_max;
  h.use_cas = settings_.use_cas ? 1 : 0;
  h.page_count = page_count_;
  h.large_region_size = large_size_;
  h.unix_started = 0;
  h.flush_deadline_unix.store(0, std::memory_order_relaxed);
  h.flush_cas.store(0, std::memory_order_relaxed);
  h.cas_ceiling.store(0, std::memory_order_relaxed);
}

void MemoryFile::discard(char* start, std::size_t bytes) noexcept {
  // MADV_REMOVE frees a tmpfs range and zeroes it; on a disk file it punches a hole.
  if (::madvise(start, bytes, MADV_REMOVE) != 0) std::memset(start, 0, bytes);
}

}  // namespace memstripe::storage
