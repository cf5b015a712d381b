// Test helper: a ReplyParser fed a stream of replies in pieces, as a connection feeds it.
#pragma once

#include <string>
#include <vector>

#include "client/tests/pieces.h"
#include "reply_parser.h"

namespace loadgen::testing {

struct Request {
  RequestKind kind;
  std::vector<std::uint32_t> keys;
};

struct Parsed {
  std::vector<ReplyOutcome> outcomes;
  bool malformed = false;
};

// Feeds `stream` in pieces cut at `cuts` to a parser of 4-byte keys and `value_size`-byte
// values, keeping unconsumed bytes as a connection does, and collects one outcome per
// request.
inline Parsed parse_in_pieces(const std::vector<Request>& requests, const std::string& stream,
                              const std::vector<std::size_t>& cuts, long value_size = 3,
                              Protocol protocol = Protocol::kText) {
  ReplyParser parser(4, value_size, protocol);
  Parsed result;
  std::size_t next = 0;
  client::testing::feed_in_pieces(stream, cuts, [&](std::string_view buffer) -> std::optional<std::size_t> {
    std::size_t pos = 0;
    while (next < requests.size()) {
      std::size_t consumed = 0;
      ReplyOutcome outcome;
      const auto status = parser.parse(requests[next].kind, requests[next].keys, buffer.substr(pos), consumed, outcome);
      pos += consumed;
      if (status == ParseStatus::kNeedMore) break;
      if (status == ParseStatus::kMalformed) {
        result.malformed = true;
        return std::nullopt;
      }
      result.outcomes.push_back(outcome);
      ++next;
    }
    return pos;
  });
  return result;
}

}  // namespace loadgen::testing
