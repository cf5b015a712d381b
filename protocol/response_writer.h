// The text protocol's replies that carry numbers or items, built straight into an
// OutputQueue: numbers with std::to_chars, no temporary strings, so the hot replies (VALUE
// lines, incr results) allocate nothing once the queue is warm.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "protocol/output_queue.h"
#include "storage/item.h"

namespace memstripe::protocol {

inline constexpr std::size_t kMaxDecimalDigits = 20;  // of a 64-bit number

inline char* put(char* p, std::string_view text) noexcept {
  if (!text.empty()) std::memcpy(p, text.data(), text.size());  // an empty view may be null
  return p + text.size();
}

inline char* put_number(char* p, std::uint64_t value) noexcept {
  return std::to_chars(p, p + kMaxDecimalDigits, value).ptr;
}

// "VALUE <key> <flags> <bytes>[ <cas>]\r\n<data>\r\n", memcached's get/gets/gat/gats hit.
void write_value(OutputQueue& out, const storage::ItemRef& item, bool with_cas);

// "<number>\r\n": the reply to incr and decr.
void write_number_line(OutputQueue& out, std::uint64_t value);

}  // namespace memstripe::protocol
