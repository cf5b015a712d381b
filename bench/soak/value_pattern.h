// Values that check themselves. Every value the soak writes is derived from its key and a
// version, so that whoever reads it back can tell, from the key and the bytes alone, that
// it is whole and belongs to that key, without knowing which writer won: a torn value, a
// value of another key, or stray bytes do not pass.
//
// Three kinds of key, told apart by their first letter:
//   v<n>  plain values (set add replace cas ms): flags carry a version and a tag of the
//         key; the bytes are a slice of a fixed random table at an offset derived from
//         both, so any length from 0 B to 1 MiB checks.
//   a<n>  append keys: the value is a run of segments, each a header naming the key and
//         its length, then bytes from the table; append and prepend add segments.
//   n<n>  counters: a decimal number (incr, decr; memcached pads a shorter one with spaces).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace soak {

enum class KeyKind : char { kPlain = 'v', kAppend = 'a', kCounter = 'n' };

std::string key_name(KeyKind kind, std::uint32_t index);
KeyKind kind_of(std::string_view key) noexcept;
// A hash of the key: its low 12 bits ride in every value's flags.
std::uint64_t key_hash(std::string_view key) noexcept;

class ValuePattern {
 public:
  // The largest value a plain key gets: 1 MiB less room for the item's header and key, so
  // that it fits memcached's default -I 1m.
  static constexpr std::size_t kMaxValue = (1u << 20) - 1024;
  static constexpr std::size_t kMaxSegment = 4096;
  static constexpr std::size_t kSegmentHeader = 8;

  ValuePattern();

  // Plain keys. The flags to store under: `version` in the high 20 bits, the key's tag
  // in the low 12.
  static std::uint32_t plain_flags(std::string_view key, std::uint32_t version) noexcept;
  // The value's bytes for these flags and length (a view into the table, no copy).
  std::string_view plain_value(std::string_view key, std::uint32_t flags, std::size_t length) const noexcept;
  bool plain_ok(std::string_view key, std::uint32_t flags, std::string_view value) const noexcept;

  // Append keys: one segment of `length` payload bytes.
  std::string segment(std::string_view key, std::size_t length) const;
  static std::uint32_t append_flags(std::string_view key) noexcept;
  // A whole run of this key's segments (empty is a run of none).
  bool append_ok(std::string_view key, std::uint32_t flags, std::string_view value) const noexcept;

  // Counters: the key's tag in the flags, a decimal number of at most 20 digits.
  static std::uint32_t counter_flags(std::string_view key) noexcept;
  static bool counter_ok(std::string_view key, std::uint32_t flags, std::string_view value) noexcept;

  // Any key: dispatches on its kind.
  bool value_ok(std::string_view key, std::uint32_t flags, std::string_view value) const noexcept;

 private:
  std::size_t offset(std::uint64_t seed) const noexcept;
  std::string table_;
};

}  // namespace soak
