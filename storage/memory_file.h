// The cache's item memory as one shared mapping of a file (-e, memcached's warm restart),
// so that what the items are survives the process: a graceful stop, an upgrade, and a
// crash, since every store lands in the file's page cache as it is made, and a kill
// leaves the page cache as it was. The file holds, in order: this header, the page
// descriptors (PageInfo, so a restart knows each page's size class and how much of it was
// carved), the pages, and a region for the values too large for a chunk.
//
// The file is never trusted: a restart takes only items whose seal proves them whole
// (item_seal.h). A file of another layout, size or item settings is reused from scratch.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>

#include "storage/page_arena.h"

namespace memstripe::storage {

// What must match for a restart to read a file's items.
struct MemoryFileSettings {
  std::size_t memory_limit = 0;   // -m: the file's size follows it
  std::size_t item_size_max = 0;  // -I
  bool use_cas = true;            // -C
};

struct MemoryFileHeader {
  char magic[16];
  std::uint64_t layout;  // kLayout: changes whenever what the file holds changes shape
  std::uint64_t page_size;
  std::uint64_t classes_fingerprint;
  std::uint64_t memory_limit;
  std::uint64_t item_size_max;
  std::uint64_t use_cas;
  std::uint64_t page_count;
  std::uint64_t large_region_size;
  // Where the writer had the large-value region mapped: the item headers of large values
  // hold pointers into it, moved to this process's mapping on restart.
  std::uint64_t large_region_address;
  // The writer's Clock: unix time at RelTime 0, so a restart turns exptimes and access
  // times into its own, the time it spent stopped counting toward expiry.
  std::int64_t unix_started;
  // flush_all, as unix time (0 none) and the CAS bound of an immediate one; any worker
  // may write them.
  std::atomic<std::int64_t> flush_deadline_unix;
  std::atomic<std::uint64_t> flush_cas;
  std::uint64_t stopped_gracefully;  // 0 while a process uses the file
  // No CAS above it has been handed out (CasSequence::persist_in): a restart starts here.
  alignas(64) std::atomic<std::uint64_t> cas_ceiling;
};

class MemoryFile {
 public:
  // Opens or creates FILE and maps it. Throws std::runtime_error when it cannot.
  MemoryFile(const std::string& path, const MemoryFileSettings& settings);
  ~MemoryFile();
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;

  // Whether the file holds a cache this process may recover; if not, why (for the log).
  bool warm() const noexcept { return warm_; }
  const std::string& cold_reason() const noexcept { return cold_reason_; }
  // Whether its filesystem keeps it in memory (tmpfs, or a DAX mount we cannot tell apart
  // from a disk: the log says so).
  bool in_memory() const noexcept { return in_memory_; }
  const std::string& path() const noexcept { return path_; }
  // Whether the process before stopped gracefully (else it crashed, or was killed).
  bool stopped_gracefully() const noexcept { return stopped_gracefully_; }

  MemoryFileHeader& header() noexcept { return *header_; }
  PageInfo* page_infos() noexcept { return infos_; }
  char* pages() noexcept { return pages_; }
  std::size_t page_count() const noexcept { return page_count_; }
  char* large_region() noexcept { return large_; }
  std::size_t large_region_size() const noexcept { return large_size_; }
  // The writer's large region, to move a recovered pointer into ours.
  std::uint64_t previous_large_address() const noexcept { return previous_large_address_; }

  // Gives a range of the file's memory back to the filesystem (it reads as zeros after).
  void discard(char* start, std::size_t bytes) noexcept;

  static constexpr std::uint64_t kLayout = 1;

 private:
  void start_cold(const std::string& why);

  std::string path_;
  MemoryFileSettings settings_;
  int fd_ = -1;
  char* map_ = nullptr;
  std::size_t map_size_ = 0;
  MemoryFileHeader* header_ = nullptr;
  PageInfo* infos_ = nullptr;
  char* pages_ = nullptr;
  std::size_t page_count_ = 0;
  char* large_ = nullptr;
  std::size_t large_size_ = 0;
  std::uint64_t previous_large_address_ = 0;
  bool warm_ = false;
  bool in_memory_ = false;
  bool stopped_gracefully_ = false;
  std::string cold_reason_;
};

}  // namespace memstripe::storage
