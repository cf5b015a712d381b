#include "protocol/binary_encoder.h"

#include <cstring>

namespace memstripe::protocol {
namespace {

using namespace binary;

// The fields of a response header.
struct Response {
  std::uint8_t opcode = 0;
  std::uint32_t opaque = 0;
  Status status = kSuccess;
  std::uint8_t extras_length = 0;
  std::uint16_t key_length = 0;
  std::uint32_t body_length = 0;
  std::uint64_t cas = 0;
};

char* put_header(char* p, const Response& r) noexcept {
  p[0] = static_cast<char>(kResponseMagic);
  p[1] = static_cast<char>(r.opcode);
  write16(p + 2, r.key_length);
  p[4] = static_cast<char>(r.extras_length);
  p[5] = 0;  // raw bytes
  write16(p + 6, r.status);
  write32(p + 8, r.body_length);
  std::memcpy(p + 12, &r.opaque, sizeof r.opaque);
  write64(p + 16, r.cas);
  return p + kHeaderSize;
}

char* put(char* p, std::string_view bytes) noexcept {
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  return p + bytes.size();
}

// A response whose body is `body` (nothing else).
void write_packet(OutputQueue& out, Response r, std::string_view body) {
  r.body_length = static_cast<std::uint32_t>(body.size());
  char* const start = out.reserve(kHeaderSize + body.size());
  char* p = put(put_header(start, r), body);
  out.commit(static_cast<std::size_t>(p - start));
}

Response response_to(std::uint8_t opcode, std::uint32_t opaque, Status status = kSuccess) {
  Response r;
  r.opcode = opcode;
  r.opaque = opaque;
  r.status = status;
  return r;
}

void write_error(OutputQueue& out, std::uint8_t opcode, std::uint32_t opaque, Status status, std::string_view text) {
  write_packet(out, response_to(opcode, opaque, status), text);
}

}  // namespace

void BinaryEncoder::answer(const BinaryRequest& request, OutputQueue& out) {
  write_error(out, request.opcode, request.opaque, request.error, request.error_text);
}

void BinaryEncoder::unsupported(const BinaryRequest& request, OutputQueue& out) {
  write_error(out, request.opcode, request.opaque, kUnknownCommand, kUnknownCommandText);
}

void BinaryEncoder::value(const BinaryRequest& request, const storage::ReadResult& found, OutputQueue& out) {
  if (!found.item) {
    if (request.quiet) return;
    if (request.with_key) {
      // A GETK miss carries the key and no text.
      Response r = response_to(request.opcode, request.opaque, kKeyNotFound);
      r.key_length = static_cast<std::uint16_t>(request.key.size());
      write_packet(out, r, request.key);
    } else {
      write_error(out, request.opcode, request.opaque, kKeyNotFound, kNotFoundText);
    }
    return;
  }
  const storage::ItemRef& item = found.item;
  const std::string_view key = request.with_key ? item.key() : std::string_view{};
  const std::string_view value = request.with_value ? item.value() : std::string_view{};
  Response r = response_to(request.opcode, request.opaque);
  r.extras_length = kFlagsExtras;
  r.key_length = static_cast<std::uint16_t>(key.size());
  r.body_length = static_cast<std::uint32_t>(kFlagsExtras + key.size() + value.size());
  r.cas = item.cas();
  const bool copy = value.size() < OutputQueue::kCopyValuesBelow;
  char* const start = out.reserve(kHeaderSize + kFlagsExtras + key.size() + (copy ? value.size() : 0));
  char* p = write32(put_header(start, r), item.flags());
  p = put(p, key);
  if (copy) p = put(p, value);
  out.commit(static_cast<std::size_t>(p - start));
  if (!copy) out.append_value(item);
}

void BinaryEncoder::store_refused(const BinaryRequest& request, storage::AllocStatus status, OutputQueue& out) {
  if (status == storage::AllocStatus::kTooLarge) {
    write_error(out, request.opcode, request.opaque, kTooLarge, kTooLargeText);
  } else {
    write_error(out, request.opcode, request.opaque, kOutOfMemory, kOutOfMemoryAllocatingText);
  }
}

void BinaryEncoder::stored(const PendingBinaryReply& reply, const storage::StoreResult& result,
                           const storage::ItemRef&, OutputQueue& out) {
  const auto error = [&](Status status, std::string_view text) {
    write_error(out, reply.opcode, reply.opaque, status, text);
  };
  switch (result.status) {
    case storage::StoreStatus::kStored: {
      if (reply.quiet) return;
      Response r = response_to(reply.opcode, reply.opaque);
      r.cas = result.cas;
      return write_packet(out, r, {});
    }
    case storage::StoreStatus::kExists: return error(kKeyExists, kExistsText);
    case storage::StoreStatus::kNotFound: return error(kKeyNotFound, kNotFoundText);
    case storage::StoreStatus::kNotStored:
      // memcached answers a refused add as "exists" and a refused replace as "not found".
      switch (reply.opcode) {
        case kAdd:
        case kAddQ: return error(kKeyExists, kExistsText);
        case kReplace:
        case kReplaceQ: return error(kKeyNotFound, kNotFoundText);
        default: return error(kNotStored, kNotStoredText);
      }
  }
}

void BinaryEncoder::removed(const BinaryRequest& request, storage::RemoveStatus status, OutputQueue& out) {
  switch (status) {
    case storage::RemoveStatus::kDeleted:
      if (!request.quiet) write_packet(out, response_to(request.opcode, request.opaque), {});
      return;
    case storage::RemoveStatus::kNotFound:
      return write_error(out, request.opcode, request.opaque, kKeyNotFound, kNotFoundText);
    case storage::RemoveStatus::kExists:
      return write_error(out, request.opcode, request.opaque, kKeyExists, kExistsText);
  }
}

void BinaryEncoder::arithmetic(const BinaryRequest& request, const storage::ArithResult& result, OutputQueue& out) {
  const auto error = [&](Status status, std::string_view text) {
    write_error(out, request.opcode, request.opaque, status, text);
  };
  switch (result.status) {
    case storage::ArithStatus::kOk: {
      if (request.quiet) return;
      Response r = response_to(request.opcode, request.opaque);
      r.cas = result.item.cas();
      char value[8];
      write64(value, result.value);
      return write_packet(out, r, std::string_view(value, sizeof value));
    }
    case storage::ArithStatus::kNotFound: return error(kKeyNotFound, kNotFoundText);
    case storage::ArithStatus::kNonNumeric: return error(kNonNumeric, kNonNumericText);
    case storage::ArithStatus::kExists: return error(kKeyExists, kExistsText);
    case storage::ArithStatus::kOutOfMemory: return error(kOutOfMemory, kOutOfMemoryIncrementingText);
    case storage::ArithStatus::kOutOfMemoryCreating: return error(kOutOfMemory, kOutOfMemoryCreatingText);
  }
}

void BinaryEncoder::noop(const BinaryRequest& request, OutputQueue& out) {
  write_packet(out, response_to(request.opcode, request.opaque), {});
}

void BinaryEncoder::quit(const BinaryRequest& request, OutputQueue& out) {
  if (!request.quiet) write_packet(out, response_to(request.opcode, request.opaque), {});
}

void BinaryEncoder::version(const BinaryRequest& request, std::string_view version, OutputQueue& out) {
  write_packet(out, response_to(request.opcode, request.opaque), version);
}

void BinaryEncoder::admin(const BinaryRequest& request, AdminStatus status, OutputQueue& out) {
  switch (status) {
    case AdminStatus::kDone:
      if (!request.quiet) write_packet(out, response_to(request.opcode, request.opaque), {});
      return;
    // A flush refused by -F: memcached answers "auth failure".
    case AdminStatus::kDisabled: return write_error(out, request.opcode, request.opaque, kAuthError, kAuthErrorText);
    case AdminStatus::kBadArgument:
    case AdminStatus::kOutOfBounds:
      return write_error(out, request.opcode, request.opaque, kInvalidArguments, kInvalidArgumentsText);
  }
}

void BinaryEncoder::mechanisms(const BinaryRequest& request, std::string_view mechanisms, OutputQueue& out) {
  if (mechanisms.empty()) return write_error(out, request.opcode, request.opaque, kAuthError, kAuthErrorText);
  write_packet(out, response_to(request.opcode, request.opaque), mechanisms);
}

void BinaryEncoder::authentication(const BinaryRequest& request, const SaslOutcome& outcome, OutputQueue& out) {
  switch (outcome.status) {
    case SaslOutcome::Status::kAuthenticated:
      return write_packet(out, response_to(request.opcode, request.opaque), kAuthenticatedText);
    case SaslOutcome::Status::kContinue:
      return write_packet(out, response_to(request.opcode, request.opaque, kAuthContinue), outcome.data);
    case SaslOutcome::Status::kFailed:
      return write_error(out, request.opcode, request.opaque, kAuthError, kAuthErrorText);
  }
}

void BinaryEncoder::unauthenticated(const BinaryRequest& request, OutputQueue& out) {
  write_error(out, request.opcode, request.opaque, kAuthError, kAuthErrorText);
}

void BinaryEncoder::StatLines::stat(std::string_view name, std::string_view value) {
  Response r = response_to(request_.opcode, request_.opaque);
  r.key_length = static_cast<std::uint16_t>(name.size());
  r.body_length = static_cast<std::uint32_t>(name.size() + value.size());
  char* const start = out_.reserve(kHeaderSize + name.size() + value.size());
  char* p = put(put(put_header(start, r), name), value);
  out_.commit(static_cast<std::size_t>(p - start));
}

void BinaryEncoder::end_of_stats(const BinaryRequest& request, const StatsRequest& stats, OutputQueue& out) {
  switch (stats.group) {
    case StatsGroup::kUnknown:
    case StatsGroup::kDetailUsage:
      return write_error(out, request.opcode, request.opaque, kKeyNotFound, kNotFoundText);
    case StatsGroup::kDetailDump:
      // memcached sends its (empty) prefix dump as one stat before the end.
      StatLines(request, out).stat("detailed", "END\r\n");
      break;
    default: break;
  }
  write_packet(out, response_to(request.opcode, request.opaque), {});
}

}  // namespace memstripe::protocol
