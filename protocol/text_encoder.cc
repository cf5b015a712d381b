#include "protocol/text_encoder.h"

#include <cstring>

#include "protocol/meta_replies.h"
#include "protocol/response_writer.h"
#include "protocol/responses.h"

namespace memstripe::protocol {
namespace {

// memcached caps a cachedump reply at 2 MB.
constexpr std::size_t kCachedumpMaxBytes = 2 * 1024 * 1024;

bool is_meta(const TextRequest& request) noexcept { return request.form == TextRequest::Form::kMeta; }

// memcached's uriencode() for metadump keys: unreserved bytes as they are, the rest %XX.
void append_uri_encoded(std::string_view key, OutputQueue& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  char* const start = out.reserve(key.size() * 3);
  char* p = start;
  for (const char c : key) {
    const auto b = static_cast<unsigned char>(c);
    const bool plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' ||
                       b == '.' || b == '_' || b == '~';
    if (plain) {
      *p++ = c;
    } else {
      *p++ = '%';
      *p++ = kHex[b >> 4];
      *p++ = kHex[b & 0xF];
    }
  }
  out.commit(static_cast<std::size_t>(p - start));
}

}  // namespace

void TextEncoder::answer(const TextRequest& request, OutputQueue& out) { classic(request, request.reply, out); }

void TextEncoder::meta_value(const TextRequest& request, const storage::ReadResult& found, OutputQueue& out) {
  write_meta_get(*request.meta, found, clock_, out);
}

void TextEncoder::end_of_values(const TextRequest& request, OutputQueue& out) {
  if (!is_meta(request)) out.append(reply::kEnd);
}

void TextEncoder::described(const TextRequest&, const storage::ItemDescription& found, OutputQueue& out) {
  write_meta_debug(found, clock_, out);
}

void TextEncoder::touched(const TextRequest& request, bool found, OutputQueue& out) {
  classic(request, found ? reply::kTouched : reply::kNotFound, out);
}

void TextEncoder::store_refused(const TextRequest& request, storage::AllocStatus status, OutputQueue& out) {
  const std::string_view text = status == storage::AllocStatus::kTooLarge ? reply::kTooLarge : reply::kOutOfMemoryStoring;
  // Meta errors are never hidden; a classic noreply hides them.
  if (is_meta(request)) {
    out.append(text);
  } else {
    classic(request, text, out);
  }
}

void TextEncoder::stored(const PendingStoreReply& reply, const storage::StoreResult& result,
                         const storage::ItemRef& shown, OutputQueue& out) {
  if (reply.form == TextRequest::Form::kMeta) return write_meta_stored(reply, result, shown, out);
  if (reply.noreply) return;
  switch (result.status) {
    case storage::StoreStatus::kStored: out.append(reply::kStored); return;
    case storage::StoreStatus::kNotStored: out.append(reply::kNotStored); return;
    case storage::StoreStatus::kExists: out.append(reply::kExists); return;
    case storage::StoreStatus::kNotFound: out.append(reply::kNotFound); return;
  }
}

void TextEncoder::bad_data_chunk(const PendingStoreReply& reply, OutputQueue& out) {
  // `q` hides only success: memcached always answers a bad chunk of an ms.
  if (reply.form == TextRequest::Form::kMeta || !reply.noreply) out.append(reply::kBadDataChunk);
}

void TextEncoder::removed(const TextRequest& request, storage::RemoveStatus status, OutputQueue& out) {
  if (is_meta(request)) return write_meta_removed(*request.meta, status, out);
  classic(request, status == storage::RemoveStatus::kDeleted ? reply::kDeleted : reply::kNotFound, out);
}

void TextEncoder::arithmetic(const TextRequest& request, const storage::ArithResult& result, OutputQueue& out) {
  if (is_meta(request)) return write_meta_arithmetic(*request.meta, result, clock_, out);
  switch (result.status) {
    case storage::ArithStatus::kOk:
      if (!request.noreply) write_number_line(out, result.value);
      return;
    case storage::ArithStatus::kNonNumeric: return classic(request, reply::kNonNumericValue, out);
    case storage::ArithStatus::kOutOfMemory:
    case storage::ArithStatus::kOutOfMemoryCreating: return classic(request, reply::kOutOfMemory, out);
    case storage::ArithStatus::kNotFound:
    case storage::ArithStatus::kExists: return classic(request, reply::kNotFound, out);
  }
}

void TextEncoder::unauthenticated(const TextRequest&, OutputQueue& out) { out.append(reply::kUnauthenticated); }

void TextEncoder::noop(const TextRequest&, OutputQueue& out) { out.append(reply::kMetaNoop); }

void TextEncoder::version(const TextRequest&, std::string_view version, OutputQueue& out) {
  out.append(reply::kVersionPrefix);
  out.append(version);
  out.append(reply::kCrlf);
}

void TextEncoder::admin(const TextRequest& request, AdminStatus status, OutputQueue& out) {
  switch (status) {
    case AdminStatus::kDone: return classic(request, reply::kOk, out);
    case AdminStatus::kDisabled: return classic(request, reply::kFlushDisabled, out);
    case AdminStatus::kBadArgument: return classic(request, reply::kInvalidExptime, out);
    case AdminStatus::kOutOfBounds: return classic(request, reply::kMemlimitOutOfBounds, out);
  }
}

void TextEncoder::shutdown_refused(const TextRequest&, AdminStatus status, OutputQueue& out) {
  out.append(status == AdminStatus::kDisabled ? reply::kShutdownDisabled : reply::kInvalidShutdownMode);
}

void TextEncoder::StatLines::stat(std::string_view name, std::string_view value) {
  char* const start = out_.reserve(reply::kStatPrefix.size() + name.size() + 1 + value.size() + reply::kCrlf.size());
  char* p = put(start, reply::kStatPrefix);
  p = put(p, name);
  *p++ = ' ';
  p = put(p, value);
  p = put(p, reply::kCrlf);
  out_.commit(static_cast<std::size_t>(p - start));
}

void TextEncoder::end_of_stats(const TextRequest&, const StatsRequest& stats, OutputQueue& out) {
  switch (stats.group) {
    case StatsGroup::kReset: return out.append(reply::kReset);
    case StatsGroup::kDetailOn: return out.append(reply::kOk);
    case StatsGroup::kDetailUsage: return out.append(reply::kDetailUsage);
    case StatsGroup::kUnknown: return out.append(reply::kError);
    case StatsGroup::kGeneral:
    case StatsGroup::kSettings:
    case StatsGroup::kItems:
    case StatsGroup::kSlabs:
    case StatsGroup::kConns:
    case StatsGroup::kSizes:
    case StatsGroup::kSizesEnable:  // memcached's error form has no END; memstripe adds it so clients do not hang
    case StatsGroup::kDetailDump: return out.append(reply::kEnd);
  }
}

bool TextEncoder::DumpLines::item(const storage::ItemInfo& item) {
  if (request_.format == DumpRequest::Format::kCachedump) return cachedump_line(item);
  metadump_line(item);
  return true;
}

bool TextEncoder::DumpLines::cachedump_line(const storage::ItemInfo& item) {
  // memcached prints the key with %s: it stops at a NUL.
  std::string_view key = item.key;
  if (const void* nul = std::memchr(key.data(), '\0', key.size())) {
    key = key.substr(0, static_cast<std::size_t>(static_cast<const char*>(nul) - key.data()));
  }
  const std::time_t started = clock_.unix_started();
  const std::uint64_t expires = item.exptime == 0 ? 0 : static_cast<std::uint64_t>(started + item.exptime);
  const std::size_t line_max = 5 + key.size() + 2 + kMaxDecimalDigits * 2 + 10;
  if (bytes_ + line_max + reply::kEnd.size() > kCachedumpMaxBytes) return false;
  char* const start = out_.reserve(line_max);
  char* p = put(start, "ITEM ");
  p = put(p, key);
  p = put(p, " [");
  p = put_number(p, item.value_length);
  p = put(p, " b; ");
  p = put_number(p, expires);
  p = put(p, " s]\r\n");
  out_.commit(static_cast<std::size_t>(p - start));
  bytes_ += static_cast<std::size_t>(p - start);
  return true;
}

void TextEncoder::DumpLines::metadump_line(const storage::ItemInfo& item) {
  const std::time_t started = clock_.unix_started();
  out_.append("key=");
  append_uri_encoded(item.key, out_);
  char* const start = out_.reserve(128);
  char* p = put(start, " exp=");
  if (item.exptime == 0) {
    p = put(p, "-1");
  } else {
    p = put_number(p, static_cast<std::uint64_t>(started + item.exptime));
  }
  p = put(p, " la=");
  p = put_number(p, static_cast<std::uint64_t>(started + item.last_access));
  p = put(p, " cas=");
  p = put_number(p, item.cas);
  p = put(p, item.fetched ? " fetch=yes cls=" : " fetch=no cls=");
  p = put_number(p, StatsCommands::class_id(item.size_class));
  p = put(p, " size=");
  p = put_number(p, item.total_size);
  *p++ = '\n';  // memcached ends these lines with a bare newline
  out_.commit(static_cast<std::size_t>(p - start));
}

void TextEncoder::end_of_dump(const DumpRequest& request, DumpStatus status, OutputQueue& out) {
  const bool cachedump = request.format == DumpRequest::Format::kCachedump;
  switch (status) {
    case DumpStatus::kDone: return out.append(reply::kEnd);
    case DumpStatus::kDisabled: return out.append(cachedump ? reply::kCachedumpDisabled : reply::kMetadumpDisabled);
    case DumpStatus::kUnreadable: return out.append(request.unreadable);
    case DumpStatus::kIllegalClass: return out.append(reply::kIllegalSlabId);
    case DumpStatus::kBadClassList: return out.append(reply::kCrawlerBadClass);
  }
}

}  // namespace memstripe::protocol
