// What a soak counts. One event loop drives every connection, so plain integers do.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace soak {

enum class Op : std::uint8_t {
  kGet, kMultiGet, kGets, kGat, kSet, kAdd, kReplace, kCas, kAppend, kPrepend,
  kDelete, kIncr, kDecr, kTouch, kMetaGet, kMetaSet, kCount
};
inline constexpr std::array<const char*, static_cast<std::size_t>(Op::kCount)> kOpNames = {
    "get", "multiget", "gets", "gat", "set", "add", "replace", "cas", "append", "prepend",
    "delete", "incr", "decr", "touch", "mg", "ms"};

struct Counters {
  std::array<std::uint64_t, static_cast<std::size_t>(Op::kCount)> ops{};
  std::uint64_t replies = 0;
  std::uint64_t reads_checked = 0;    // values read back and verified
  std::uint64_t misses = 0;           // keys asked for and not found
  std::uint64_t corrupt = 0;          // values that failed their check: must stay 0
  std::uint64_t protocol_errors = 0;  // replies that are malformed or not a possible answer: must stay 0
  std::uint64_t connection_errors = 0;  // connections refused, reset or closed by the server: must stay 0
  std::uint64_t refused = 0;          // SERVER_ERROR out/Out of memory ...: a server may say so under churn
  std::uint64_t bytes_written = 0;    // value bytes sent
  std::uint64_t bytes_read = 0;       // value bytes checked
  std::vector<std::string> problems;  // the first few, described

  void problem(std::uint64_t& counter, std::string what) {
    ++counter;
    if (problems.size() < 20) problems.push_back(std::move(what));
  }
  std::uint64_t total_ops() const {
    std::uint64_t n = 0;
    for (auto v : ops) n += v;
    return n;
  }
};

}  // namespace soak
