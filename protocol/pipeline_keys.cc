#include "protocol/pipeline_keys.h"

#include <cstdint>
#include <cstring>

#include "protocol/binary_protocol.h"
#include "protocol/numbers.h"
#include "protocol/tokenizer.h"
#include "storage/cache_types.h"

namespace memstripe::protocol {
namespace {

// How a text command's line names its keys, and whether a data block follows it.
enum class Shape : std::uint8_t { kUnknown, kKeys, kKeysAfterExptime, kOneKey, kStorage, kMetaSet };

Shape shape_of(std::string_view command) noexcept {
  if (command == "get" || command == "gets") return Shape::kKeys;
  if (command == "gat" || command == "gats") return Shape::kKeysAfterExptime;
  if (command == "mg" || command == "md" || command == "ma" || command == "delete" || command == "incr" ||
      command == "decr" || command == "touch") {
    return Shape::kOneKey;
  }
  if (command == "set" || command == "add" || command == "replace" || command == "append" ||
      command == "prepend" || command == "cas") {
    return Shape::kStorage;
  }
  if (command == "ms") return Shape::kMetaSet;
  return Shape::kUnknown;
}

class KeyList {
 public:
  explicit KeyList(std::span<std::string_view> keys) noexcept : keys_(keys) {}
  void add(std::string_view key) noexcept {
    if (!full() && !key.empty() && key.size() <= storage::kMaxKeyLength) keys_[count_++] = key;
  }
  bool full() const noexcept { return count_ == keys_.size(); }
  std::size_t count() const noexcept { return count_; }

 private:
  std::span<std::string_view> keys_;
  std::size_t count_ = 0;
};

// A read that holds a single line holds a single request, so it names more than one key
// only when it is a get of several: most reads of an unpipelined client, told apart here
// for a few nanoseconds instead of a scan.
bool single_request_of_one_key(std::string_view input) noexcept {
  const void* newline = std::memchr(input.data(), '\n', input.size());
  if (newline == nullptr) return true;
  if (static_cast<const char*>(newline) != input.data() + input.size() - 1) return false;
  const bool get = input.starts_with("get ") || input.starts_with("gets ") || input.starts_with("gat ") ||
                   input.starts_with("gats ");
  if (!get) return true;
  const std::size_t first_space = input.find(' ');
  const std::size_t second_space = input.find(' ', input.find_first_not_of(' ', first_space));
  return second_space == std::string_view::npos;
}

}  // namespace

std::size_t text_pipeline_keys(std::string_view input, std::span<std::string_view> keys) noexcept {
  if (single_request_of_one_key(input)) return 0;
  KeyList found(keys);
  while (!found.full()) {
    const void* newline = std::memchr(input.data(), '\n', input.size());
    if (newline == nullptr) break;
    const std::size_t line_length = static_cast<const char*>(newline) - input.data();
    std::string_view line = input.substr(0, line_length);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    input.remove_prefix(line_length + 1);
    Tokens tokens = tokenize(line, 3);
    const Shape shape = shape_of(tokens[0]);
    std::uint32_t data_length = 0;
    switch (shape) {
      case Shape::kUnknown: return found.count();
      case Shape::kOneKey: found.add(tokens[1]); break;
      case Shape::kKeys:
      case Shape::kKeysAfterExptime: {
        const bool skip_exptime = shape == Shape::kKeysAfterExptime;
        for (std::size_t i = skip_exptime ? 2 : 1; i < tokens.count; ++i) found.add(tokens[i]);
        WordCursor rest(tokens.rest);
        for (std::string_view key; !found.full() && rest.next(key);) found.add(key);
        break;
      }
      case Shape::kStorage:
        found.add(tokens[1]);
        tokenize_rest(tokens);
        if (!safe_strtoul(tokens[4], data_length)) return found.count();
        break;
      case Shape::kMetaSet:
        found.add(tokens[1]);
        if (!safe_strtoul(tokens[2], data_length)) return found.count();
        break;
    }
    // The data block and its "\r\n": the next command starts after them.
    if (shape == Shape::kStorage || shape == Shape::kMetaSet) {
      const std::size_t block = std::size_t{data_length} + 2;
      if (block > input.size()) break;
      input.remove_prefix(block);
    }
  }
  return found.count();
}

std::size_t binary_pipeline_keys(std::string_view input, std::span<std::string_view> keys) noexcept {
  using namespace binary;
  KeyList found(keys);
  while (!found.full() && input.size() >= kHeaderSize) {
    const RequestHeader h = read_header(input.data());
    if (h.magic != kRequestMagic) break;
    const std::size_t key_at = kHeaderSize + h.extras_length;
    if (std::size_t{h.key_length} + h.extras_length > h.body_length || key_at + h.key_length > input.size()) break;
    found.add(input.substr(key_at, h.key_length));
    const std::size_t length = kHeaderSize + std::size_t{h.body_length};
    if (length > input.size()) break;
    input.remove_prefix(length);
  }
  return found.count();
}

}  // namespace memstripe::protocol
