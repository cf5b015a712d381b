#include "protocol/meta_replies.h"

#include <cstdint>
#include <string_view>

#include "protocol/base64.h"
#include "protocol/response_writer.h"
#include "protocol/responses.h"
#include "protocol/stats_commands.h"

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
void echo_opaque_and_key(ReplyLine& line, const MetaRequest& request) {
  const MetaFlags& flags = request.flags;
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
void write_code_line(std::string_view code, const MetaRequest& request, OutputQueue& out) {
  ReplyLine line(out);
  line.text(code);
  echo_opaque_and_key(line, request);
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

void write_meta_get(const MetaRequest& request, const storage::ReadResult& found, const storage::Clock& clock,
                    OutputQueue& out) {
  const MetaFlags& f = request.flags;
  if (!found.item) {
    if (!f.has('q')) write_code_line(reply::kMetaMissCode, request, out);
    return;
  }
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
  const RelTime now = clock.now();
  TtlHistory ttl(clock, found.created, found.exptime_before, found.exptime_after);
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

void write_meta_stored(const PendingStoreReply& reply, const storage::StoreResult& result,
                       const storage::ItemRef& shown, OutputQueue& out) {
  std::string_view code;
  switch (result.status) {
    case storage::StoreStatus::kStored:
      if (reply.quiet) return;
      code = reply::kMetaStoredCode;
      break;
    case storage::StoreStatus::kNotStored: code = reply::kMetaNotStoredCode; break;
    case storage::StoreStatus::kExists: code = reply::kMetaExistsCode; break;
    case storage::StoreStatus::kNotFound: code = reply::kMetaNotFoundCode; break;
  }
  ReplyLine line(out);
  line.text(code);
  for (std::size_t i = 0; i < reply.echo_count; ++i) {
    switch (reply.echo[i]) {
      case 'O':
        line.space();
        line.text(reply.opaque_token());
        break;
      case 'k': line.key(shown.key(), shown.key_is_binary()); break;
      case 'c': line.flag('c', result.cas); break;  // 0 when nothing was stored
      default: break;
    }
  }
  line.text(reply::kCrlf);
  line.commit();
}

void write_meta_removed(const MetaRequest& request, storage::RemoveStatus status, OutputQueue& out) {
  std::string_view code;
  switch (status) {
    case storage::RemoveStatus::kDeleted:
      if (request.flags.has('q')) return;
      code = reply::kMetaStoredCode;
      break;
    case storage::RemoveStatus::kNotFound: code = reply::kMetaNotFoundCode; break;
    case storage::RemoveStatus::kExists: code = reply::kMetaExistsCode; break;
  }
  write_code_line(code, request, out);
}

void write_meta_arithmetic(const MetaRequest& request, const storage::ArithResult& result,
                           const storage::Clock& clock, OutputQueue& out) {
  const MetaFlags& f = request.flags;
  // memcached writes the reply after applying the change, and stops at an opaque that is
  // too long with an error: the change stays applied.
  const bool long_opaque = opaque_too_long(f);
  switch (result.status) {
    case storage::ArithStatus::kNonNumeric: out.append(reply::kNonNumericValue); return;
    case storage::ArithStatus::kOutOfMemory: out.append(reply::kOutOfMemory); return;
    case storage::ArithStatus::kOutOfMemoryCreating: out.append(reply::kOutOfMemoryCreating); return;
    case storage::ArithStatus::kNotFound:
    case storage::ArithStatus::kExists:
      if (long_opaque) {
        out.append(reply::kOpaqueTooLong);
      } else {
        write_code_line(result.status == storage::ArithStatus::kNotFound ? reply::kMetaNotFoundCode
                                                                         : reply::kMetaExistsCode,
                        request, out);
      }
      return;
    case storage::ArithStatus::kOk: break;
  }
  if (long_opaque) {
    out.append(reply::kOpaqueTooLong);
    return;
  }
  const bool created = result.created;
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
  const RelTime now = clock.now();
  TtlHistory ttl(clock, created, result.exptime_before, result.item.exptime());
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

void write_meta_debug(const storage::ItemDescription& found, const storage::Clock& clock, OutputQueue& out) {
  if (!found.item) {
    out.append(reply::kMetaMissCode);
    out.append(reply::kCrlf);
    return;
  }
  const storage::ItemRef& item = found.item;
  // cls and size as `lru_crawler metadump` shows them: memstripe's size class, numbered
  // as memcached numbers slab classes, and the item's size.
  ReplyLine line(out, kMaxDebugFields);
  line.text(reply::kMetaDebugPrefix);
  line.key_text(item.key(), item.key_is_binary());
  line.text(" exp=");
  const RelTime exptime = item.exptime();
  if (exptime == 0) {
    line.text("-1");
  } else {
    // The seconds left (memcached 1.6.18 prints them negated; README: deviations).
    line.number(static_cast<std::uint32_t>(exptime - clock.now()));
  }
  line.text(" la=");
  line.number(found.seconds_since_access);
  line.text(" cas=");
  line.number(item.cas());
  line.text(found.info.fetched ? " fetch=yes cls=" : " fetch=no cls=");
  line.number(StatsCommands::class_id(found.info.size_class));
  line.text(" size=");
  line.number(found.info.total_size);
  line.text(reply::kCrlf);
  line.commit();
}

}  // namespace memstripe::protocol
