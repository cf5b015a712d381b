// Checks the replies of the cache-aside mode, one request's at a time, from bytes as they
// arrive (a reply may be split anywhere). Pure code, no sockets. A get's reply is END (a
// miss) or one VALUE of the key asked, its value whole, then END (a hit): the value must be
// the key's own (value_pattern.h) and, unless sizes may change (a trace), of the key's
// size. A set's must be STORED. Errors are counted by kind; a reply that cannot be read, or
// a VALUE for another key, is malformed: the stream is lost.
#pragma once

#include <cstddef>
#include <string_view>

#include "cache_aside_request.h"
#include "cache_aside_request_writer.h"
#include "client/text_reply_reader.h"
#include "reply_outcome.h"
#include "value_pattern.h"

namespace loadgen {

struct CacheAsideOutcome {
  bool hit = false;
  ReplyError error = ReplyError::kNone;
  bool corrupt = false;  // a hit whose value is not the key's
};

class CacheAsideReplyParser {
 public:
  // check_sizes: a hit's value must have the size the request names.
  CacheAsideReplyParser(const CacheAsideRequestWriter& writer, const ValuePattern& values, bool check_sizes) noexcept
      : writer_(writer), values_(values), check_sizes_(check_sizes) {}

  // Parses the reply to a get (or, `is_set`, to the set) of `request` from `data`, adding
  // to `consumed` the bytes it used. kNeedMore: call again with the unused rest and more
  // bytes (the buffer must hold a whole value: kWhole). kDone: `outcome` holds the reply.
  ParseStatus parse(bool is_set, const CacheAsideRequest& request, std::string_view data, std::size_t& consumed,
                    CacheAsideOutcome& outcome);

 private:
  ParseStatus on_head(bool is_set, const CacheAsideRequest& request, CacheAsideOutcome& outcome);

  const CacheAsideRequestWriter& writer_;
  const ValuePattern& values_;
  bool check_sizes_;
  client::TextReplyReader reader_{client::TextReplyReader::Blocks::kWhole};
  client::ReplyHead head_;
  CacheAsideOutcome partial_;  // what the reply said so far
  bool after_value_ = false;   // a hit's VALUE came: its block, then END
};

}  // namespace loadgen
