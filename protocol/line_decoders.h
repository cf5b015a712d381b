// What the TextDecoder makes of one command line once parse_command() has named it: the
// classic commands (classic_line_decoder.cc) and the meta commands (meta_line_decoder.cc),
// each into a TextRequest. Arguments are read by classic_requests.h and meta_parser.h with
// memcached's rules; these functions only translate them into requests.
#pragma once

#include <cstdint>

#include "protocol/meta_parser.h"
#include "protocol/text_parser.h"
#include "protocol/text_request.h"

namespace memstripe::protocol {

struct LineOutcome {
  enum class Kind : std::uint8_t {
    kRequest,  // request.command is ready (NoRequest when request.reply answers the line)
    kStore,    // request.command is a StoreRequest whose value follows; `store_reply` is set
    kClose,    // memcached drops the connection: `close_reason`
  };
  static LineOutcome store() noexcept { return {Kind::kStore, 0, {}}; }
  static LineOutcome close(std::string_view reason) noexcept { return {Kind::kClose, 0, reason}; }

  Kind kind = Kind::kRequest;
  // After a reply, memcached skips this many bytes of a refused data block (an ms whose
  // flags it could not read, once it had read the length).
  std::uint64_t skip = 0;
  std::string_view close_reason;
};

// Any command but the meta ones (is_meta_command()).
LineOutcome decode_classic_line(const Command& command, TextRequest& request, PendingStoreReply& store_reply);
// mg, ms, md, ma, mn, me. The line is parsed into `meta`.
LineOutcome decode_meta_line(const Command& command, TextRequest& request, MetaRequest& meta,
                             PendingStoreReply& store_reply);

}  // namespace memstripe::protocol
