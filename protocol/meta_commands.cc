// The meta commands against the cache, and their replies byte for byte as memcached 1.6.18
// writes them (proto_text.c: process_mget_command() and its siblings). memcached walks the
// request's flags in order while it writes a reply, and some flags change the item as
// they are met (T and N set the TTL), so a `t` shows the TTL as it stands at its place in
// the request. The cache applies everything in one locked step; the walk below replays the
// TTL's history from what the cache reports, to print what memcached prints.
#include "protocol/meta_commands.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "protocol/base64.h"
#include "protocol/response_writer.h"
#include "protocol/responses.h"
#include "protocol/session_core.h"

namespace memstripe::protocol {
namespace {

using storage::RelTime;

// The longest reply line (value excluded): the code and a value length, then at most
// MetaFlags::kMaxFlags flags: one key (" k", at most the base64 of 250 bytes, " b"), one
// opaque (" " + 32), numbers (" c" + 20 digits), and " Z X W".
constexpr std::size_t kMaxReplyLine = 2 + 1 + kMaxDecimalDigits + (2 + base64_encoded_size(storage::kMaxKeyLength) + 2) +
                                      (1 + kMaxOpaqueLength) + MetaFlags::kMaxFlags * (2 + kMaxDecimalDigits) + 6 +
                                      reply::kCrlf.size();
// `me`'s "exp=.. la=.. cas=.. fetch=yes cls=.. size=..".
constexpr std::size_t kMaxDebugFields = 6 * (6 + kMaxDecimalDigits);

// A CAS unique no item has: what `md C0` compares with, so that it never matches an item
// (memcached compares md's C even when it is 0; the cache treats 0 as "no compare").

// One reply line written in place into the output queue: the code, the flags, "\r\n", and
// room for `copied_value_bytes` more (a short value and its "\r\n" written behind the line;
// a long one is referenced after commit()).
class ReplyLine {
 public:
  explicit ReplyLine(OutputQueue& out, std::size_t copied_value_bytes = 0)
      : out_(out), start_(out.reserve(kMaxReplyLine + copied_value_bytes)), p_(start_) {}
  ReplyLine(const ReplyLine&) = delete;
  ReplyLine& operator=(const ReplyLine&) = delete;

  void text(std::string_view s) noexcept { p_ = put(p_, s); }
  void number(std::uint64_t n) noexcept { p_ = put_number(p_, n); }
  void space() noexcept { *p_++ = ' '; }
  // " <flag><number>"
  void flag(char flag, std::uint64_t n) noexcept {
    *p_++ = ' ';
    *p_++ = flag;
    p_ = put_number(p_, n);
  }
  // " <flag>": W, X, Z.
  void marker(char flag) noexcept {
    *p_++ = ' ';
    *p_++ = flag;
  }
  // " t<seconds left>": -1 for "never"; otherwise an unsigned 32-bit difference, as
  // memcached prints it (an already expired TTL shows as a number near 2^32).
  void ttl(RelTime exptime, RelTime now) noexcept {
    if (exptime == 0) {
      text(" t-1");
    } else {
      flag('t', static_cast<std::uint32_t>(exptime - now));
    }
  }
  // " k<key>", or " k<base64 key> b" for a key stored or asked for in base64.
  void key(std::string_view key, bool binary) noexcept {
    marker('k');
    key_text(key, binary);
    if (binary) text(" b");
  }
  void key_text(std::string_view key, bool binary) noexcept {
    if (binary) {
      p_ += base64_encode(key, p_);
    } else {
      text(key);
    }
  }
  void commit() noexcept { out_.commit(static_cast<std::size_t>(p_ - start_)); }

 private:
  OutputQueue& out_;
  char* const start_;
  char* p_;
};

// The flags a reply without an item carries (a miss, NF, EX): O and k, in request order.
void echo_opaque_and_key(ReplyLine& line, const MetaFlags& flags, const MetaRequest& request) {
  for (std::size_t i = 0; i < flags.size(); ++i) {
    switch (flags[i][0]) {
      case 'O':
        line.space();
        line.text(flags[i]);
        break;
      case 'k': line.key(request.key(), request.binary_key); break;
      default: break;
    }
  }
}

// "<code>[ O..][ k..]\r\n"
void write_code_line(OutputQueue& out, std::string_view code, const MetaRequest& request) {
  ReplyLine line(out);
  line.text(code);
  echo_opaque_and_key(line, request.flags, request);
  line.text(reply::kCrlf);
  line.commit();
}

// How the TTL changes as memcached walks the flags: on an item that existed, T sets it (the
// cache reports the result); on one just created, it starts at "never" and T and N each
// set it when met, so a `t` between them shows the first.
class TtlHistory {
 public:
  TtlHistory(const storage::Clock& clock, bool created, RelTime before, RelTime after_touch)
      : clock_(clock), created_(created), current_(created ? 0 : before), after_touch_(after_touch) {}

  void touched(std::int32_t ttl) noexcept { current_ = created_ ? clock_.expiry_from(ttl) : after_touch_; }
  void vivified(std::int32_t ttl) noexcept {
    if (created_) current_ = clock_.expiry_from(ttl);
  }
  RelTime current() const noexcept { return current_; }

 private:
  const storage::Clock& clock_;
  const bool created_;
  RelTime current_;
  const RelTime after_touch_;
};

// The value block of a VA reply: copied behind the line when short, else referenced.
bool copies_value(std::string_view value) noexcept { return value.size() < OutputQueue::kCopyValuesBelow; }

}  // namespace

void MetaCommands::execute(const Command& command, OutputQueue& out) {
  switch (command.code) {
    case CommandCode::kMetaGet: get(command, out); return;
    case CommandCode::kMetaSet: set(command, out); return;
    case CommandCode::kMetaDelete: remove(command, out); return;
    case CommandCode::kMetaArithmetic: arithmetic(command, out); return;
    case CommandCode::kMetaNoop: out.append(reply::kMetaNoop); return;
    case CommandCode::kMetaDebug: debug(command, out); return;
    default: out.append(reply::kError); return;
  }
}

// --- mg ----------------------------------------------------------------------------------

void MetaCommands::get(const Command& command, OutputQueue& out) {
  MetaRequest request;
  parse_meta_request(MetaCommand::kGet, command.tokens, request);
  if (!request.error.empty()) {
    out.append(request.error);
    return;
  }
  const MetaFlags& f = request.flags;
  storage::Cache& cache = core_.cache();
  storage::ReadOptions options;
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
  const storage::ReadResult found = cache.read(request.key(), options);

  CommandStats& stats = core_.stats();
  if (!found.item) {
    stats.cmd_get.add();  // memcached counts a miss as a get, with T or without
    if (!f.has('q')) write_code_line(out, reply::kMetaMissCode, request);
    return;
  }
  (options.touch ? stats.cmd_touch : stats.cmd_get).add();

  const storage::ItemRef& item = found.item;
  const std::string_view value = item.value();
  const bool with_value = f.has('v');
  const bool copy = with_value && copies_value(value);
  ReplyLine line(out, copy ? value.size() + reply::kCrlf.size() : 0);
  if (with_value) {
    line.text(reply::kMetaValueCode);
    line.space();
    line.number(value.size());
  } else {
    line.text(reply::kMetaStoredCode);
  }
  const RelTime now = cache.clock().now();
  TtlHistory ttl(cache.clock(), found.created, found.exptime_before, found.exptime_after);
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::string_view token = f[i];
    switch (token[0]) {
      case 'T': ttl.touched(f.ttl); break;
      case 'N': ttl.vivified(f.vivify_ttl); break;
      case 's': line.flag('s', value.size()); break;
      case 't': line.ttl(ttl.current(), now); break;
      case 'c': line.flag('c', item.cas()); break;
      case 'f': line.flag('f', item.flags()); break;
      case 'l': line.flag('l', found.seconds_since_access); break;
      case 'h': line.flag('h', found.fetched_before ? 1 : 0); break;
      case 'O':
        line.space();
        line.text(token);
        break;
      case 'k': line.key(item.key(), item.key_is_binary()); break;
      default: break;
    }
  }
  // memcached's order: Z (another client holds the token), X (stale), W (this one won).
  if (found.token_already_sent) line.marker('Z');
  if (found.stale) line.marker('X');
  if (found.win) line.marker('W');
  line.text(reply::kCrlf);
  if (copy) {
    line.text(value);
    line.text(reply::kCrlf);
  }
  line.commit();
  if (with_value && !copy) {
    out.append_value(item);
    out.append(reply::kCrlf);
  }
}

// --- ms ----------------------------------------------------------------------------------

void MetaCommands::set(const Command& command, OutputQueue& out) {
  MetaRequest request;
  parse_meta_request(MetaCommand::kSet, command.tokens, request);
  if (!request.error.empty()) {
    out.append(request.error);
    if (request.swallow_data_block) {
      core_.swallow_data_block(std::uint64_t{request.value_length} + reply::kCrlf.size());
    }
    return;
  }
  const MetaFlags& f = request.flags;
  storage::AllocOptions alloc;
  alloc.binary_key = request.binary_key;
  alloc.drop_old_if_refused = true;
  storage::AllocResult allocated =
      core_.cache().allocate(request.key(), f.client_flags, f.ttl, request.value_length, alloc);
  if (allocated.status != storage::AllocStatus::kOk) {
    out.append(allocated.status == storage::AllocStatus::kTooLarge ? reply::kTooLarge : reply::kOutOfMemoryStoring);
    core_.swallow_data_block(std::uint64_t{request.value_length} + reply::kCrlf.size());
    return;
  }

  PendingSet& p = pending_;
  p.mode = request.store_mode;
  p.options = {};
  p.options.compare_cas = f.compare_cas;
  // memcached honours I only where a CAS decides (set or replace with C).
  p.options.invalidate_if_cas_older = f.has('I') && p.mode == storage::StoreMode::kCas;
  p.quiet = f.has('q');
  p.echo_count = 0;
  p.opaque_length = 0;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char flag = f[i][0];
    if (flag != 'O' && flag != 'k' && flag != 'c') continue;
    p.echo[p.echo_count++] = flag;
    if (flag == 'O') {
      p.opaque_length = f.opaque.size();
      std::copy(f.opaque.begin(), f.opaque.end(), p.opaque.begin());
    }
  }
  core_.expect_data_block(std::move(allocated.item), SessionCore::StoreOrigin::kMeta);
}

void MetaCommands::finish_store(storage::NewItem&& item, OutputQueue& out) {
  const PendingSet& p = pending_;
  // The key is shown from the item, which the store may hand to the cache or free.
  storage::ItemRef keep;
  if (std::find(p.echo.begin(), p.echo.begin() + static_cast<std::ptrdiff_t>(p.echo_count), 'k') !=
      p.echo.begin() + static_cast<std::ptrdiff_t>(p.echo_count)) {
    keep = item;
  }
  const storage::StoreResult result = core_.cache().store(p.mode, std::move(item), p.options);
  std::string_view code;
  switch (result.status) {
    case storage::StoreStatus::kStored:
      if (p.quiet) return;
      code = reply::kMetaStoredCode;
      break;
    case storage::StoreStatus::kNotStored: code = reply::kMetaNotStoredCode; break;
    case storage::StoreStatus::kExists: code = reply::kMetaExistsCode; break;
    case storage::StoreStatus::kNotFound: code = reply::kMetaNotFoundCode; break;
    case storage::StoreStatus::kOutOfMemory: out.append(reply::kOutOfMemoryStoring); return;
  }
  ReplyLine line(out);
  line.text(code);
  for (std::size_t i = 0; i < p.echo_count; ++i) {
    switch (p.echo[i]) {
      case 'O':
        line.space();
        line.text(std::string_view(p.opaque.data(), p.opaque_length));
        break;
      case 'k': line.key(keep.key(), keep.key_is_binary()); break;
      case 'c': line.flag('c', result.cas); break;  // 0 when nothing was stored
      default: break;
    }
  }
  line.text(reply::kCrlf);
  line.commit();
}

void MetaCommands::bad_data_chunk(OutputQueue& out) {
  // `q` hides only success: memcached always answers a bad chunk of an ms.
  out.append(reply::kBadDataChunk);
}

// --- md ----------------------------------------------------------------------------------

void MetaCommands::remove(const Command& command, OutputQueue& out) {
  MetaRequest request;
  parse_meta_request(MetaCommand::kDelete, command.tokens, request);
  if (!request.error.empty()) {
    out.append(request.error);
    return;
  }
  const MetaFlags& f = request.flags;
  storage::RemoveOptions options;
  if (f.has('C')) options.compare_cas = f.compare_cas;  // md compares even C0, unlike ma
  options.invalidate = f.has('I');
  options.set_exptime = f.has('T');
  options.exptime = f.ttl;
  std::string_view code;
  switch (core_.cache().remove(request.key(), options)) {
    case storage::RemoveStatus::kDeleted:
      if (f.has('q')) return;
      code = reply::kMetaStoredCode;
      break;
    case storage::RemoveStatus::kNotFound: code = reply::kMetaNotFoundCode; break;
    case storage::RemoveStatus::kExists: code = reply::kMetaExistsCode; break;
  }
  write_code_line(out, code, request);
}

// --- ma ----------------------------------------------------------------------------------

void MetaCommands::arithmetic(const Command& command, OutputQueue& out) {
  MetaRequest request;
  parse_meta_request(MetaCommand::kArithmetic, command.tokens, request);
  if (!request.error.empty()) {
    out.append(request.error);
    return;
  }
  const MetaFlags& f = request.flags;
  storage::Cache& cache = core_.cache();
  // memcached applies the change, then walks the flags to write the reply and stops with
  // an error at an opaque that is too long: a T or N after it never takes effect.
  const bool long_opaque = opaque_too_long(f);
  const auto reached = [&](char flag) {
    return f.has(flag) && (!long_opaque || f.position(flag) < f.position('O'));
  };
  storage::ArithOptions options;
  options.increment = !request.decrement;
  options.delta = f.delta;
  options.compare_cas = f.compare_cas;  // for ma, memcached too compares only a C other than 0
  options.vivify = f.has('N');
  options.initial = f.initial;
  options.vivify_exptime = reached('N') ? f.vivify_ttl : 0;  // a new item starts with no TTL
  options.touch = reached('T');
  options.touch_exptime = f.ttl;
  // On a new item, N met after T has the last word on the TTL.
  options.touch_after_vivify = !(reached('N') && f.before('T', 'N'));
  const storage::ArithResult result = cache.arithmetic(request.key(), options);
  const bool created = result.status == storage::ArithStatus::kOk && result.created;

  switch (result.status) {
    case storage::ArithStatus::kNonNumeric: out.append(reply::kNonNumericValue); return;
    case storage::ArithStatus::kOutOfMemory: out.append(reply::kOutOfMemory); return;
    case storage::ArithStatus::kOutOfMemoryCreating: out.append(reply::kOutOfMemoryCreating); return;
    case storage::ArithStatus::kNotFound:
    case storage::ArithStatus::kExists:
      if (long_opaque) {
        out.append(reply::kOpaqueTooLong);
      } else {
        write_code_line(out, result.status == storage::ArithStatus::kNotFound ? reply::kMetaNotFoundCode
                                                                             : reply::kMetaExistsCode,
                        request);
      }
      return;
    case storage::ArithStatus::kOk: break;
  }
  if (long_opaque) {
    out.append(reply::kOpaqueTooLong);  // the change stays applied
    return;
  }
  // `q` hides an ordinary success; memcached still answers for an item it created.
  if (f.has('q') && !created) return;

  char digits[kMaxDecimalDigits];
  const std::string_view number(digits, static_cast<std::size_t>(put_number(digits, result.value) - digits));
  const bool with_value = f.has('v');
  ReplyLine line(out, with_value ? number.size() + reply::kCrlf.size() : 0);
  if (with_value) {
    line.text(reply::kMetaValueCode);
    line.space();
    line.number(number.size());
  } else {
    line.text(reply::kMetaStoredCode);
  }
  const RelTime now = cache.clock().now();
  TtlHistory ttl(cache.clock(), created, result.exptime_before, result.item.exptime());
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::string_view token = f[i];
    switch (token[0]) {
      case 'c': line.flag('c', result.item.cas()); break;
      case 't': line.ttl(ttl.current(), now); break;
      case 'T': ttl.touched(f.ttl); break;
      case 'N': ttl.vivified(f.vivify_ttl); break;
      case 'O':
        line.space();
        line.text(token);
        break;
      case 'k': line.key(request.key(), request.binary_key); break;
      default: break;
    }
  }
  line.text(reply::kCrlf);
  if (with_value) {
    line.text(number);
    line.text(reply::kCrlf);
  }
  line.commit();
}

// --- me ----------------------------------------------------------------------------------

void MetaCommands::debug(const Command& command, OutputQueue& out) {
  MetaRequest request;
  parse_meta_debug_request(command.tokens, request);
  if (!request.error.empty()) {
    out.append(request.error);
    return;
  }
  storage::Cache& cache = core_.cache();
  const storage::ItemDescription found = cache.describe(request.key());
  core_.stats().cmd_meta.add();
  if (!found.item) {
    out.append(reply::kMetaMissCode);
    out.append(reply::kCrlf);
    return;
  }
  const storage::ItemRef& item = found.item;
  const std::string_view key = item.key();
  // cls and size as `lru_crawler metadump` shows them: memstripe's size class, numbered
  // from 1 as memcached numbers slab classes, and the item's size.
  const unsigned class_id = found.info.size_class + 1;
  const std::size_t size = found.info.total_size;

  ReplyLine line(out, kMaxDebugFields);
  line.text(reply::kMetaDebugPrefix);
  line.key_text(key, item.key_is_binary());
  line.text(" exp=");
  const RelTime exptime = item.exptime();
  if (exptime == 0) {
    line.text("-1");
  } else {
    // The seconds left (memcached 1.6.18 prints them negated; README: deviations).
    line.number(static_cast<std::uint32_t>(exptime - cache.clock().now()));
  }
  line.text(" la=");
  line.number(found.seconds_since_access);
  line.text(" cas=");
  line.number(item.cas());
  line.text(found.info.fetched ? " fetch=yes cls=" : " fetch=no cls=");
  line.number(class_id);
  line.text(" size=");
  line.number(size);
  line.text(reply::kCrlf);
  line.commit();
}

}  // namespace memstripe::protocol
