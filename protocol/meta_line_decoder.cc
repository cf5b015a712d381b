// The meta commands as requests: the flags of a line (read by meta_parser.h) become the
// cache's options. memcached walks the flags in request order and some take effect as they
// are met (T and N set the TTL); the cache applies them in one locked step, so the order
// that matters is turned into options here (which of N and T sets a new item's TTL), and
// the TextEncoder replays the rest when it writes the reply.
#include <algorithm>

#include "protocol/line_decoders.h"
#include "protocol/responses.h"

namespace memstripe::protocol {
namespace {

LineOutcome answered(TextRequest& request, std::string_view reply) {
  request.command.emplace<NoRequest>();
  request.reply = reply;
  return {};
}

LineOutcome get(const Command& command, TextRequest& request, MetaRequest& meta) {
  parse_meta_request(MetaCommand::kGet, command.tokens, meta);
  if (!meta.error.empty()) return answered(request, meta.error);
  const MetaFlags& f = meta.flags;
  GetRequest& get = request.command.emplace<GetRequest>();
  get.keys = KeyList::one(meta.key());
  storage::ReadOptions& options = get.options;
  options.touch = f.has('T');
  options.touch_exptime = f.ttl;
  options.vivify = f.has('N');
  // A vivified item starts with no TTL; N and T each set it as they are met: the later wins.
  options.vivify_exptime = f.before('N', 'T') ? f.ttl : f.vivify_ttl;
  options.recache = f.has('R');
  options.recache_threshold = f.recache_ttl;
  options.recache_sees_touch = f.before('T', 'R');
  options.bump = !f.has('u');
  options.meta = true;
  return {};
}

LineOutcome set(const Command& command, TextRequest& request, MetaRequest& meta, PendingStoreReply& store_reply) {
  parse_meta_request(MetaCommand::kSet, command.tokens, meta);
  if (!meta.error.empty()) {
    LineOutcome refused = answered(request, meta.error);
    if (meta.swallow_data_block) refused.skip = std::uint64_t{meta.value_length} + reply::kCrlf.size();
    return refused;
  }
  const MetaFlags& f = meta.flags;
  StoreRequest& s = request.command.emplace<StoreRequest>();
  s.key = meta.key();
  s.flags = f.client_flags;
  s.exptime = f.ttl;
  s.value_length = meta.value_length;
  s.mode = meta.store_mode;
  s.options.compare_cas = f.compare_cas;
  // memcached honours I only where a CAS decides (set or replace with C).
  s.options.invalidate_if_cas_older = f.has('I') && s.mode == storage::StoreMode::kCas;
  s.alloc.binary_key = meta.binary_key;
  s.alloc.drop_old_if_refused = true;

  PendingStoreReply& p = store_reply;
  p = PendingStoreReply{};
  p.form = TextRequest::Form::kMeta;
  p.quiet = f.has('q');
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char flag = f[i][0];
    if (flag != 'O' && flag != 'k' && flag != 'c') continue;
    p.echo[p.echo_count++] = flag;
    if (flag == 'O') {
      p.opaque_length = static_cast<std::uint8_t>(f.opaque.size());
      std::copy(f.opaque.begin(), f.opaque.end(), p.opaque);
    }
  }
  return LineOutcome::store();
}

LineOutcome remove(const Command& command, TextRequest& request, MetaRequest& meta) {
  parse_meta_request(MetaCommand::kDelete, command.tokens, meta);
  if (!meta.error.empty()) return answered(request, meta.error);
  const MetaFlags& f = meta.flags;
  RemoveRequest r;
  r.key = meta.key();
  if (f.has('C')) r.options.compare_cas = f.compare_cas;  // md compares even C0, unlike ma
  r.options.invalidate = f.has('I');
  r.options.set_exptime = f.has('T');
  r.options.exptime = f.ttl;
  request.command = r;
  return {};
}

LineOutcome arithmetic(const Command& command, TextRequest& request, MetaRequest& meta) {
  parse_meta_request(MetaCommand::kArithmetic, command.tokens, meta);
  if (!meta.error.empty()) return answered(request, meta.error);
  const MetaFlags& f = meta.flags;
  // memcached applies the change, then walks the flags to write the reply and stops with
  // an error at an opaque that is too long: a T or N after it never takes effect.
  const bool long_opaque = opaque_too_long(f);
  const auto reached = [&](char flag) { return f.has(flag) && (!long_opaque || f.position(flag) < f.position('O')); };
  ArithmeticRequest a;
  a.key = meta.key();
  storage::ArithOptions& options = a.options;
  options.increment = !meta.decrement;
  options.delta = f.delta;
  options.compare_cas = f.compare_cas;  // for ma, memcached too compares only a C other than 0
  options.vivify = f.has('N');
  options.initial = f.initial;
  options.vivify_exptime = reached('N') ? f.vivify_ttl : 0;  // a new item starts with no TTL
  options.touch = reached('T');
  options.touch_exptime = f.ttl;
  // On a new item, N met after T has the last word on the TTL.
  options.touch_after_vivify = !(reached('N') && f.before('T', 'N'));
  request.command = a;
  return {};
}

LineOutcome debug(const Command& command, TextRequest& request, MetaRequest& meta) {
  parse_meta_debug_request(command.tokens, meta);
  if (!meta.error.empty()) return answered(request, meta.error);
  request.command = DescribeRequest{meta.key()};
  return {};
}

}  // namespace

LineOutcome decode_meta_line(const Command& command, TextRequest& request, MetaRequest& meta,
                             PendingStoreReply& store_reply) {
  request.form = TextRequest::Form::kMeta;
  request.meta = &meta;
  meta.reset();
  switch (command.code) {
    case CommandCode::kMetaGet: return get(command, request, meta);
    case CommandCode::kMetaSet: return set(command, request, meta, store_reply);
    case CommandCode::kMetaDelete: return remove(command, request, meta);
    case CommandCode::kMetaArithmetic: return arithmetic(command, request, meta);
    case CommandCode::kMetaNoop: request.command = NoopRequest{}; return {};
    case CommandCode::kMetaDebug: return debug(command, request, meta);
    default: return answered(request, reply::kError);
  }
}

}  // namespace memstripe::protocol
