// Replies waiting for the socket: text in one growing buffer, large values by reference to
// their item (never copied), handed to the server as an iovec list for one gathered write.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "storage/item.h"

namespace memstripe::protocol {

class OutputQueue {
 public:
  // Values shorter than this are copied next to their header: a small memcpy costs less
  // than pinning the item and an extra iovec entry.
  static constexpr std::size_t kCopyValuesBelow = 512;

  void append(std::string_view text);
  // Room for up to `n` bytes of text written in place; commit() says how many were used.
  char* reserve(std::size_t n);
  void commit(std::size_t used);
  // The item's value, referenced while it waits (copied when short).
  void append_value(const storage::ItemRef& item);

  bool empty() const noexcept { return pending_ == 0; }
  std::size_t pending_bytes() const noexcept { return pending_; }

  // Fills up to iov.size() entries with the next bytes to send; returns how many.
  std::size_t gather(iovec* iov, std::size_t max_entries) const;
  // `n` bytes were sent: drops them, and the references to values fully sent.
  void consume(std::size_t n);
  // Drops everything queued (a connection being reset).
  void clear() noexcept;

 private:
  struct Segment {
    std::size_t text_begin;  // in text_, when item is empty
    std::size_t length;
    storage::ItemRef item;  // a referenced value
  };

  std::vector<char> text_;
  std::vector<Segment> segments_;
  std::size_t first_segment_ = 0;  // segments before this one are sent
  std::size_t first_offset_ = 0;   // bytes of the first segment already sent
  std::size_t text_used_ = 0;
  std::size_t pending_ = 0;
};

}  // namespace memstripe::protocol
