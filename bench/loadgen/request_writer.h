// Writes requests in memcached's text protocol into a connection's send buffer. The fixed
// parts (the set's " 0 0 <bytes>\r\n", the value and its "\r\n") are built once; a request
// costs a few copies and the key's digits.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace loadgen {

class RequestWriter {
 public:
  RequestWriter(unsigned key_size, unsigned value_size);

  // The most bytes one request of up to `keys` keys can take.
  std::size_t max_request_size(unsigned keys) const noexcept;

  // Appends `get k1 k2 ...\r\n` (one key: a plain get).
  void append_get(std::span<const std::uint32_t> keys, std::vector<char>& out) const;
  void append_set(std::uint32_t key, std::vector<char>& out) const;

  unsigned value_size() const noexcept { return static_cast<unsigned>(value_.size() - 2); }

 private:
  unsigned key_size_;
  std::string set_suffix_;  // " 0 0 <bytes>\r\n"
  std::string value_;       // value bytes and "\r\n"
};

}  // namespace loadgen
