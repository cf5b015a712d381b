#include "storage/page_arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cassert>
#include <new>

#include "storage/cache_types.h"

namespace memstripe::storage {
namespace {

void* reserve_address_space(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

}  // namespace

PageArena::PageArena(std::size_t memory_limit) : limit_(memory_limit) {
  // Address space for the largest limit cache_memlimit may raise us to: it costs nothing
  // until touched, and pages never move, so offsets stay valid.
  address_space_ = kMaxMemoryLimit;
  page_limit_ = static_cast<PageId>(address_space_ / kPageSize);
  base_ = static_cast<char*>(reserve_address_space(address_space_));
  infos_bytes_ = sizeof(PageInfo) * page_limit_;
  infos_ = static_cast<PageInfo*>(reserve_address_space(infos_bytes_));
}

PageArena::~PageArena() {
  ::munmap(base_, address_space_);
  ::munmap(infos_, infos_bytes_);
}

bool PageArena::try_reserve(std::size_t bytes) noexcept {
  std::size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (used + bytes > limit()) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

void PageArena::release(std::size_t bytes) noexcept {
  [[maybe_unused]] std::size_t before = used_.fetch_sub(bytes, std::memory_order_relaxed);
  assert(before >= bytes);
}

PageId PageArena::take_page() {
  PageId page;
  {
    std::lock_guard lock(pool_mutex_);
    if (free_pages_ != kNoPage) {
      page = free_pages_;
      free_pages_ = infos_[page].next_partial;
    } else {
      // The budget bounds the pages in use below page_limit_: kMaxMemoryLimit caps -m.
      assert(next_fresh_ < page_limit_);
      page = next_fresh_++;
    }
  }
  new (&infos_[page]) PageInfo{};
  pages_in_use_.fetch_add(1, std::memory_order_relaxed);
  return page;
}

void PageArena::return_page(PageId page) noexcept {
  // The page's memory goes back to the system now, so RSS follows the budget down.
  ::madvise(page_start(page), kPageSize, MADV_DONTNEED);
  infos_[page].size_class = SizeClasses::kNone;
  pages_in_use_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(pool_mutex_);
  infos_[page].next_partial = free_pages_;
  free_pages_ = page;
}

std::size_t PageArena::large_footprint(std::size_t bytes) noexcept {
  static const std::size_t os_page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + os_page - 1) / os_page * os_page;
}

char* PageArena::map_large(std::size_t bytes) noexcept {
  void* p = ::mmap(nullptr, large_footprint(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
}

void PageArena::unmap_large(char* data, std::size_t bytes) noexcept {
  ::munmap(data, large_footprint(bytes));
}

}  // namespace memstripe::storage
