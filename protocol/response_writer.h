// Builds the replies that carry numbers or items, straight into an OutputQueue: numbers
// with std::to_chars, no temporary strings, so the hot replies (VALUE lines, incr results)
// allocate nothing once the queue is warm.
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

// "STAT <name> <value>\r\n" lines; every value is one token.
class StatWriter {
 public:
  explicit StatWriter(OutputQueue& out) noexcept : out_(out) {}

  void text(std::string_view name, std::string_view value);
  void number(std::string_view name, std::uint64_t value);
  void signed_number(std::string_view name, std::int64_t value);
  void yes_no(std::string_view name, bool value) { text(name, value ? "yes" : "no"); }
  // "STAT <prefix><id>:<name> <value>" (stats slabs, stats items).
  void class_number(std::string_view prefix, unsigned id, std::string_view name, std::uint64_t value);
  void end();

 private:
  OutputQueue& out_;
};

}  // namespace memstripe::protocol
