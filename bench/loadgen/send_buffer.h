// A connection's send buffer, appended to in place by the request writers (text, binary,
// cache-aside).
#pragma once

#include <cstddef>
#include <vector>

namespace loadgen {

// Appends `n` bytes at the end of `out` and returns where they start. The buffer keeps its
// capacity across requests, so this allocates only while a connection warms up.
inline char* grow(std::vector<char>& out, std::size_t n) {
  const std::size_t at = out.size();
  out.resize(at + n);
  return out.data() + at;
}

}  // namespace loadgen
