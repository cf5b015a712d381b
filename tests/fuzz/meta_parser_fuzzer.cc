// Fuzz target: the meta protocol's line parser (protocol/meta_parser.h) and memcached's
// base64 (protocol/base64.h). Each line of the input is parsed as mg, ms, md, ma and me
// would parse it; a line that parses without error must give a key that fits (decoded
// from base64 when `b` says so), flags that are single letters in request order without
// duplicates, and an opaque within memcached's length. base64 must round-trip: what it
// encodes decodes back, and what it decodes encodes to something that decodes the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "protocol/base64.h"
#include "protocol/classic_requests.h"
#include "protocol/meta_parser.h"
#include "protocol/tokenizer.h"

namespace {

using namespace memstripe::protocol;

bool inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

std::string decode(std::string_view in) {
  std::string out(in.size(), '\0');
  const std::size_t n = base64_decode(in, out.data());
  FUZZ_CHECK(n <= in.size());
  out.resize(n);
  return out;
}

std::string encode(std::string_view in) {
  std::string out(base64_encoded_size(in.size()), '\0');
  const std::size_t n = base64_encode(in, out.data());
  FUZZ_CHECK(n == out.size());
  return out;
}

void check_base64(std::string_view bytes) {
  FUZZ_CHECK(bytes.empty() || decode(encode(bytes)) == bytes);
  const std::string decoded = decode(bytes);
  if (!decoded.empty()) FUZZ_CHECK(decode(encode(decoded)) == decoded);
}

void check_request(const MetaRequest& r, std::string_view line, bool opaque_bounded) {
  FUZZ_CHECK(r.error.empty() || (r.error.size() >= 2 && r.error.substr(r.error.size() - 2) == "\r\n"));
  if (!r.error.empty()) return;
  FUZZ_CHECK(!r.raw_key.empty() && key_fits(r.raw_key) && inside(r.raw_key, line));
  if (r.binary_key) {
    FUZZ_CHECK(r.decoded_length > 0 && r.decoded_length <= r.decoded_key.size());
    FUZZ_CHECK(decode(encode(r.key())) == r.key());
  } else {
    FUZZ_CHECK(r.key() == r.raw_key);
  }
  const MetaFlags& f = r.flags;
  FUZZ_CHECK(f.size() <= MetaFlags::kMaxFlags);
  for (std::size_t i = 0; i < f.size(); ++i) {
    FUZZ_CHECK(!f[i].empty() && inside(f[i], line));
    FUZZ_CHECK(f.position(f[i][0]) == i, "flag %zu ('%c') is a duplicate", i, f[i][0]);
  }
  if (f.has('O')) FUZZ_CHECK(!opaque_bounded || f.opaque.size() <= kMaxOpaqueLength);
}

void check_line(std::string_view line) {
  const Tokens tokens = tokenize(line);
  for (MetaCommand command : {MetaCommand::kGet, MetaCommand::kSet, MetaCommand::kDelete, MetaCommand::kArithmetic}) {
    MetaRequest r;
    parse_meta_request(command, tokens, r);
    check_request(r, line, command != MetaCommand::kArithmetic);
    FUZZ_CHECK(!r.swallow_data_block || command == MetaCommand::kSet);
    if (command == MetaCommand::kSet && r.error.empty()) FUZZ_CHECK(r.value_length <= INT32_MAX - 2);
  }
  MetaRequest debug;
  parse_meta_debug_request(tokens, debug);
  check_request(debug, line, true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_base64(input.substr(0, 1024));
  while (!input.empty()) {
    const std::size_t newline = input.find('\n');
    std::string_view line = input.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    check_line(line);
    if (newline == std::string_view::npos) break;
    input.remove_prefix(newline + 1);
  }
  return 0;
}
