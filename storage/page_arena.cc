#include "storage/page_arena.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <new>

#include "storage/cache_types.h"
#include "storage/large_region.h"
#include "storage/memory_file.h"

namespace memstripe::storage {
namespace {

void* reserve_address_space(std::size_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

}  // namespace

PageArena::PageArena(std::size_t memory_limit, MemoryFile* file) : file_(file), limit_(memory_limit) {
  if (file_ != nullptr) {
    base_ = file_->pages();
    page_limit_ = static_cast<PageId>(file_->page_count());
    infos_ = file_->page_infos();
    large_region_ = std::make_unique<LargeRegion>(*file_);
    return;
  }
  // Address space for the largest limit cache_memlimit may raise us to: it costs nothing
  // until touched, and pages never move, so offsets stay valid.
  address_space_ = kMaxMemoryLimit;
  page_limit_ = static_cast<PageId>(address_space_ / kPageSize);
  base_ = static_cast<char*>(reserve_address_space(address_space_));
  infos_bytes_ = sizeof(PageInfo) * page_limit_;
  infos_ = static_cast<PageInfo*>(reserve_address_space(infos_bytes_));
}

PageArena::~PageArena() {
  if (file_ != nullptr) return;  // the file's memory is the file's
  ::munmap(base_, address_space_);
  ::munmap(infos_, infos_bytes_);
}

void PageArena::set_limit(std::size_t bytes) noexcept {
  if (file_ != nullptr) bytes = std::min(bytes, (file_->page_count() - 1) * kPageSize);
  limit_.store(bytes, std::memory_order_relaxed);
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
  // The page's memory goes back to the system now, so RSS follows the budget down. Its
  // class goes first: a restart must not read the page as a class's while it is cleared.
  infos_[page].size_class = SizeClasses::kNone;
  if (file_ != nullptr) {
    file_->discard(page_start(page), kPageSize);
  } else {
    ::madvise(page_start(page), kPageSize, MADV_DONTNEED);
  }
  pages_in_use_.fetch_sub(1, std::memory_order_relaxed);
  std::lock_guard lock(pool_mutex_);
  infos_[page].next_partial = free_pages_;
  free_pages_ = page;
}

std::size_t PageArena::large_footprint(std::size_t bytes) noexcept {
  static const std::size_t os_page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  return (bytes + os_page - 1) / os_page * os_page;
}

void PageArena::wipe_for_new_class(PageId page) noexcept {
  if (file_ == nullptr) return;
  infos_[page].carved = 0;
  std::memset(page_start(page), 0, kPageSize);
}

void PageArena::adopt_pages(const std::vector<bool>& in_use) {
  std::lock_guard lock(pool_mutex_);
  free_pages_ = kNoPage;
  next_fresh_ = 1;
  std::size_t used = 0;
  for (PageId page = 1; page < page_limit_ && page < in_use.size(); ++page) {
    if (in_use[page]) {
      next_fresh_ = page + 1;
      ++used;
    }
  }
  // Free pages below the highest one used are listed from the top, so the low ones go out first.
  for (PageId page = next_fresh_; page-- > 1;) {
    if (in_use[page]) continue;
    infos_[page].size_class = SizeClasses::kNone;
    if (file_ != nullptr) file_->discard(page_start(page), kPageSize);
    infos_[page].next_partial = free_pages_;
    free_pages_ = page;
  }
  pages_in_use_.store(used, std::memory_order_relaxed);
}

char* PageArena::map_large(std::size_t bytes) noexcept {
  if (large_region_) return large_region_->allocate(bytes);
  void* p = ::mmap(nullptr, large_footprint(bytes), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<char*>(p);
}

void PageArena::unmap_large(char* data, std::size_t bytes) noexcept {
  if (large_region_) return large_region_->free(data, bytes);
  ::munmap(data, large_footprint(bytes));
}

}  // namespace memstripe::storage
