// Where the lines of `stats` (and its groups) go. The command layer reports name/value
// pairs, as memcached's APPEND_STAT does; each wire format's encoder writes them its way
// (the text protocol as "STAT <name> <value>\r\n").
#pragma once

#include <cstdint>
#include <string_view>

namespace memstripe::protocol {

class StatSink {
 public:
  // `value` is one token (no spaces, no newline).
  virtual void stat(std::string_view name, std::string_view value) = 0;

  void number(std::string_view name, std::uint64_t value);
  void signed_number(std::string_view name, std::int64_t value);
  void yes_no(std::string_view name, bool value) { stat(name, value ? "yes" : "no"); }
  // "<prefix><id>:<name>", as `stats slabs` and `stats items` name their lines.
  void class_number(std::string_view prefix, unsigned id, std::string_view name, std::uint64_t value);

 protected:
  ~StatSink() = default;
};

}  // namespace memstripe::protocol
