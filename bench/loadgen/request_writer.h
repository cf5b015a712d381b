// Writes requests into a connection's send buffer in the run's protocol: memcached's text
// protocol here (the fixed parts, the set's " 0 0 <bytes>\r\n", the value and its "\r\n",
// are built once; a request costs a few copies and the key's digits), or the binary
// protocol through BinaryRequestWriter.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "binary_request_writer.h"
#include "reply_outcome.h"

namespace loadgen {

// The bytes of every value stored: printable, not constant, so that a server compressing
// or deduplicating gains nothing; the same in both protocols.
std::string value_bytes(unsigned value_size);

class RequestWriter {
 public:
  RequestWriter(unsigned key_size, unsigned value_size, Protocol protocol = Protocol::kText);

  // The most bytes one request of up to `keys` keys can take.
  std::size_t max_request_size(unsigned keys) const noexcept;

  // Appends `get k1 k2 ...\r\n` (one key: a plain get), or the binary frames for it. The
  // return is the opaques the request used, the first being `opaque` (binary; text: 0).
  std::uint32_t append_get(std::span<const std::uint32_t> keys, std::vector<char>& out,
                           std::uint32_t opaque = 0) const;
  std::uint32_t append_set(std::uint32_t key, std::vector<char>& out, std::uint32_t opaque = 0) const;

  unsigned value_size() const noexcept { return static_cast<unsigned>(value_.size() - 2); }

 private:
  Protocol protocol_;
  unsigned key_size_;
  std::string set_suffix_;  // " 0 0 <bytes>\r\n"
  std::string value_;       // value bytes and "\r\n"
  BinaryRequestWriter binary_;
};

}  // namespace loadgen
