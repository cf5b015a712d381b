#include "protocol/output_queue.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace memstripe::protocol {
namespace {

// Compacting the segment list costs a move of what is left; do it only when most of it is
// sent, so a queue that never quite drains stays bounded at amortised O(1) per segment.
constexpr std::size_t kCompactSegmentsAfter = 256;

}  // namespace

OutputQueue::Block& OutputQueue::writable_block(std::size_t n) {
  if (!blocks_.empty()) {
    Block& last = blocks_.back();
    if (last.capacity - last.used >= n) return last;
  }
  Block fresh;
  if (n <= kBlockSize && !spare_.empty()) {
    fresh = std::move(spare_.back());
    spare_.pop_back();
  } else {
    spare_.reserve(kMaxSpareBlocks);  // so that recycle() never allocates
    fresh.capacity = std::max(n, kBlockSize);
    fresh.data.reset(new char[fresh.capacity]);
  }
  fresh.used = 0;
  blocks_.push_back(std::move(fresh));
  return blocks_.back();
}

void OutputQueue::push_text(const char* data, std::size_t length) {
  if (length == 0) return;
  const std::uint64_t block = first_block_ + blocks_.size() - 1;
  pending_ += length;
  if (!segments_.empty()) {
    Segment& last = segments_.back();
    if (last.block == block && last.data + last.length == data) {
      last.length += length;
      return;
    }
  }
  segments_.push_back(Segment{data, length, block, {}});
}

void OutputQueue::append(std::string_view text) {
  while (!text.empty()) {
    Block* block = blocks_.empty() ? nullptr : &blocks_.back();
    if (block == nullptr || block->used == block->capacity) block = &writable_block(kBlockSize);
    const std::size_t n = std::min(text.size(), block->capacity - block->used);
    char* at = block->data.get() + block->used;
    std::memcpy(at, text.data(), n);
    block->used += n;
    push_text(at, n);
    text.remove_prefix(n);
  }
}

char* OutputQueue::reserve(std::size_t n) {
  Block& block = writable_block(n);
  return block.data.get() + block.used;
}

void OutputQueue::commit(std::size_t used) noexcept {
  if (used == 0) return;
  Block& block = blocks_.back();
  char* at = block.data.get() + block.used;
  block.used += used;
  push_text(at, used);
}

void OutputQueue::append_value(const storage::ItemRef& item) {
  const std::string_view value = item.value();
  if (value.size() < kCopyValuesBelow) {
    append(value);
    return;
  }
  pending_ += value.size();
  segments_.push_back(Segment{value.data(), value.size(), kNoBlock, item});
}

std::size_t OutputQueue::gather(iovec* iov, std::size_t max_entries) const noexcept {
  std::size_t n = 0;
  std::size_t offset = first_offset_;
  for (std::size_t i = first_segment_; i < segments_.size() && n < max_entries; ++i) {
    const Segment& s = segments_[i];
    iov[n].iov_base = const_cast<char*>(s.data + offset);
    iov[n].iov_len = s.length - offset;
    offset = 0;
    ++n;
  }
  return n;
}

void OutputQueue::consume(std::size_t n) noexcept {
  n = std::min(n, pending_);
  pending_ -= n;
  while (n > 0) {
    Segment& s = segments_[first_segment_];
    const std::size_t left = s.length - first_offset_;
    if (n < left) {
      first_offset_ += n;
      break;
    }
    n -= left;
    s.item.reset();
    ++first_segment_;
    first_offset_ = 0;
  }
  if (pending_ == 0) {
    clear();
    return;
  }
  // Blocks wholly before the first unsent text are done with.
  std::uint64_t oldest_needed = first_block_ + blocks_.size() - 1;
  for (std::size_t i = first_segment_; i < segments_.size(); ++i) {
    if (segments_[i].block != kNoBlock) {
      oldest_needed = segments_[i].block;
      break;
    }
  }
  recycle_blocks_before(oldest_needed);
  if (first_segment_ >= kCompactSegmentsAfter && first_segment_ * 2 >= segments_.size()) {
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(first_segment_));
    first_segment_ = 0;
  }
}

void OutputQueue::clear() noexcept {
  segments_.clear();
  first_segment_ = 0;
  first_offset_ = 0;
  pending_ = 0;
  if (blocks_.empty()) return;
  recycle_blocks_before(first_block_ + blocks_.size() - 1);
  blocks_.back().used = 0;
}

void OutputQueue::release_memory() noexcept {
  if (!empty()) return;
  std::vector<Block>().swap(blocks_);
  std::vector<Block>().swap(spare_);
  std::vector<Segment>().swap(segments_);
}

void OutputQueue::recycle_blocks_before(std::uint64_t block) noexcept {
  std::size_t done = 0;
  while (first_block_ + done < block && done + 1 < blocks_.size()) {
    recycle(std::move(blocks_[done]));
    ++done;
  }
  if (done == 0) return;
  blocks_.erase(blocks_.begin(), blocks_.begin() + static_cast<std::ptrdiff_t>(done));
  first_block_ += done;
}

void OutputQueue::recycle(Block&& block) noexcept {
  // Only standard blocks are kept; a one-off large one goes back to the allocator.
  if (block.capacity != kBlockSize || spare_.size() >= kMaxSpareBlocks) return;
  block.used = 0;
  spare_.push_back(std::move(block));  // within the capacity reserved by writable_block()
}

}  // namespace memstripe::protocol
