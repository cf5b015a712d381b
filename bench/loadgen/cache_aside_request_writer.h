// Writes the cache-aside mode's requests in memcached's text protocol: `get <key>\r\n`, and
// after a miss `set <key> 0 <ttl> <bytes>\r\n<value>\r\n`. A key is its class's prefix
// letter and its index zero-padded to the key size (options check that every index fits).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cache_aside_request.h"
#include "value_pattern.h"

namespace loadgen {

// 'k' popular, 'o' one-hit wonder, 's' scanned, 't' a trace's object.
char key_prefix(KeyClass key_class) noexcept;
// Writes the key of `key` in class `key_class` as `size` bytes.
void write_class_key(KeyClass key_class, std::uint64_t key, unsigned size, char* out) noexcept;

class CacheAsideRequestWriter {
 public:
  CacheAsideRequestWriter(unsigned key_size, const ValuePattern& values) : key_size_(key_size), values_(values) {}

  void append_get(const CacheAsideRequest& request, std::vector<char>& out) const;
  void append_set(const CacheAsideRequest& request, std::vector<char>& out) const;
  // Whether `key` (a VALUE line's) is the key of `request`.
  bool is_key_of(std::string_view key, const CacheAsideRequest& request) const noexcept;

  unsigned key_size() const noexcept { return key_size_; }

 private:
  unsigned key_size_;
  const ValuePattern& values_;
};

}  // namespace loadgen
