// One request of the text protocol as the TextDecoder hands it over: the command to
// execute, in no wire format (requests.h), and what the TextEncoder needs to answer it the
// way the line asked (classic or meta, noreply, gets' CAS, the meta flags to echo).
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/meta_parser.h"
#include "protocol/requests.h"

namespace memstripe::protocol {

struct TextRequest {
  enum class Form : std::uint8_t { kClassic, kMeta };

  Request command;
  Form form = Form::kClassic;
  // Classic noreply: every reply of the command is dropped, errors included.
  bool noreply = false;
  // gets, gats: VALUE lines carry the CAS.
  bool with_cas = false;
  // The decoder's own answer (an error; OK for a tuning command): sent as it is.
  std::string_view reply;
  // A meta command's parsed line: its flags decide its reply (valid while it runs).
  const MetaRequest* meta = nullptr;

  // Ready for the next line: the decoder reuses one request per read, and filling it in
  // place costs less than building a new one per command.
  void reset() noexcept {
    form = Form::kClassic;
    noreply = false;
    with_cas = false;
    reply = {};
    meta = nullptr;
  }
};

// What answering a store needs once its value has arrived, when the line is gone: the
// decoder keeps it beside the item being filled.
struct PendingStoreReply {
  TextRequest::Form form = TextRequest::Form::kClassic;
  bool noreply = false;  // classic
  bool quiet = false;    // meta `q`: success is not answered
  // The flags memcached echoes for ms (O, k, c), in request order, and the opaque.
  char echo[3] = {};
  std::uint8_t echo_count = 0;
  std::uint8_t opaque_length = 0;
  char opaque[kMaxOpaqueLength] = {};

  // The reply shows the stored item's key (meta `k`).
  bool shows_key() const noexcept { return echoes('k'); }
  bool echoes(char flag) const noexcept {
    for (std::uint8_t i = 0; i < echo_count; ++i) {
      if (echo[i] == flag) return true;
    }
    return false;
  }
  std::string_view opaque_token() const noexcept { return {opaque, opaque_length}; }
};

}  // namespace memstripe::protocol
