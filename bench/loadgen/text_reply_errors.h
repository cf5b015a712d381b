// How the text protocol's reply lines read as ReplyError, in one place for both text reply
// checks (ReplyParser's, the benchmark's, and CacheAsideReplyParser's, the hit-ratio lab's).
#pragma once

#include <optional>

#include "client/reply_head.h"
#include "reply_outcome.h"

namespace loadgen {

// ERROR, CLIENT_ERROR and SERVER_ERROR end the reply to any request.
inline std::optional<ReplyError> error_line(client::ReplyCode code) noexcept {
  switch (code) {
    case client::ReplyCode::kError: return ReplyError::kError;
    case client::ReplyCode::kClientError: return ReplyError::kClientError;
    case client::ReplyCode::kServerError: return ReplyError::kServerError;
    default: return std::nullopt;
  }
}

// A set's answer: STORED, or one of the refusals; nullopt for a line no set is answered with.
inline std::optional<ReplyError> set_reply(client::ReplyCode code) noexcept {
  switch (code) {
    case client::ReplyCode::kStored: return ReplyError::kNone;
    case client::ReplyCode::kNotStored:
    case client::ReplyCode::kExists:
    case client::ReplyCode::kNotFound: return ReplyError::kNotStored;
    default: return std::nullopt;
  }
}

}  // namespace loadgen
