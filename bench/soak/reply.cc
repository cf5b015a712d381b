#include "reply.h"

#include "client/numbers.h"

namespace soak {
namespace {

using client::ReplyCode;
using client::TextReplyReader;

Reply malformed(std::string error) {
  Reply reply;
  reply.status = Reply::Status::kMalformed;
  reply.error = std::move(error);
  return reply;
}

std::string excerpt(std::string_view line) { return std::string(line.substr(0, 80)); }

}  // namespace

Reply read_reply(ReplyKind kind, std::string_view received) {
  // Values are checked whole: the reader hands out a block once all of it has arrived.
  TextReplyReader reader(TextReplyReader::Blocks::kWhole);
  Reply reply;
  client::ReplyHead head;
  std::string_view block;
  std::size_t at = 0;
  std::size_t used = 0;
  auto next = [&] {
    const auto event = reader.read(received.substr(at), used, head, block);
    at += used;
    return event;
  };
  while (true) {
    auto event = next();
    if (event == TextReplyReader::Event::kNeedMore) return reply;
    if (event == TextReplyReader::Event::kMalformed) return malformed(std::string(reader.error()));
    const bool value = (kind == ReplyKind::kRetrieve && head.code == ReplyCode::kValue) ||
                       (kind == ReplyKind::kMetaGet && head.code == ReplyCode::kMetaValue);
    if (!value) {
      // One line ends every reply but a VALUE's, and a get's VALUEs end with END.
      if (kind == ReplyKind::kRetrieve && !reply.values.empty() && head.code != ReplyCode::kEnd) {
        return malformed("a get's VALUEs not ended by END: " + excerpt(head.text));
      }
      reply.line = head.text;
      reply.code = head.code;
      reply.consumed = at;
      reply.status = Reply::Status::kDone;
      return reply;
    }
    ReceivedValue v;
    if (kind == ReplyKind::kRetrieve) {
      v = {head.key, head.flags, head.cas, {}};
    } else {
      std::string_view flags;  // mg ... f: VA <length> f<flags>
      if (!client::find_meta_flag(head.meta_flags, 'f', flags) || !client::parse_integer(flags, v.flags)) {
        return malformed("a malformed VA line: " + excerpt(head.text));
      }
    }
    event = next();
    if (event == TextReplyReader::Event::kNeedMore) return reply;
    if (event == TextReplyReader::Event::kMalformed) return malformed(std::string(reader.error()));
    v.data = block;
    reply.values.push_back(v);
    if (kind == ReplyKind::kMetaGet) {
      reply.line = head.text;
      reply.code = head.code;
      reply.consumed = at;
      reply.status = Reply::Status::kDone;
      return reply;
    }
  }
}

}  // namespace soak
