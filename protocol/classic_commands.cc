// The classic data commands: get/gets/gat/gats, the six storage commands, delete,
// incr/decr and touch.
#include <utility>

#include "protocol/classic_requests.h"
#include "protocol/response_writer.h"
#include "protocol/responses.h"
#include "protocol/session_core.h"

namespace memstripe::protocol {

void SessionCore::retrieve(const Command& command, OutputQueue& out, bool with_cas, bool touch) {
  const RetrievalRequest request = parse_retrieval_request(command.tokens, command.line, touch);
  if (!request.error.empty()) {
    out.append(request.error);
    return;
  }
  // memcached answers a multi-get with a key over 250 bytes with only the error, whatever
  // came before it; checking first spares building replies to throw away.
  if (!keys_fit(request.keys)) {
    out.append(reply::kBadCommandLineFormat);
    return;
  }
  storage::ReadOptions options;
  options.touch = touch;
  options.touch_exptime = request.exptime;
  // gat and gats count as touches, not gets, as in memcached.
  Counter& lookups = touch ? stats_.cmd_touch : stats_.cmd_get;
  WordCursor keys(request.keys);
  std::string_view key;
  while (keys.next(key)) {
    lookups.add();
    const storage::ReadResult found = cache_.read(key, options);
    if (found.item) write_value(out, found.item, with_cas);
  }
  out.append(reply::kEnd);
}

void SessionCore::store(const Command& command, storage::StoreMode mode, OutputQueue& out) {
  const bool with_cas = mode == storage::StoreMode::kCas;
  const StorageRequest request = parse_storage_request(command.tokens, with_cas);
  noreply_ = request.noreply;
  if (!request.error.empty()) {
    // The data block that follows is not skipped: memcached reads it as a command line.
    reply(out, request.error);
    return;
  }
  storage::AllocOptions alloc;
  alloc.drop_old_if_refused = mode == storage::StoreMode::kSet;
  storage::AllocResult allocated =
      cache_.allocate(request.key, request.flags, request.exptime, request.length, alloc);
  if (allocated.status != storage::AllocStatus::kOk) {
    reply(out, allocated.status == storage::AllocStatus::kTooLarge ? reply::kTooLarge
                                                                   : reply::kOutOfMemoryStoring);
    swallow_data_block(std::uint64_t{request.length} + reply::kCrlf.size());
    return;
  }
  storage::StoreOptions options;
  options.compare_cas = request.cas;
  expect_data_block(std::move(allocated.item), StoreOrigin::kClassic, mode, options);
}

void SessionCore::store_classic(PendingStore& pending, OutputQueue& out) {
  const storage::StoreResult result = cache_.store(pending.mode, std::move(pending.item), pending.options);
  switch (result.status) {
    case storage::StoreStatus::kStored: reply(out, reply::kStored); return;
    case storage::StoreStatus::kNotStored: reply(out, reply::kNotStored); return;
    case storage::StoreStatus::kExists: reply(out, reply::kExists); return;
    case storage::StoreStatus::kNotFound: reply(out, reply::kNotFound); return;
    case storage::StoreStatus::kOutOfMemory: reply(out, reply::kOutOfMemoryStoring); return;
  }
}

void SessionCore::remove(const Command& command, OutputQueue& out) {
  const DeleteRequest request = parse_delete_request(command.tokens);
  noreply_ = request.noreply;
  if (!request.error.empty()) {
    reply(out, request.error);
    return;
  }
  switch (cache_.remove(request.key)) {
    case storage::RemoveStatus::kDeleted: reply(out, reply::kDeleted); return;
    case storage::RemoveStatus::kNotFound:
    case storage::RemoveStatus::kExists: reply(out, reply::kNotFound); return;
  }
}

void SessionCore::arithmetic(const Command& command, bool increment, OutputQueue& out) {
  const ArithmeticRequest request = parse_arithmetic_request(command.tokens);
  noreply_ = request.noreply;
  if (!request.error.empty()) {
    reply(out, request.error);
    return;
  }
  storage::ArithOptions options;
  options.increment = increment;
  options.delta = request.delta;
  const storage::ArithResult result = cache_.arithmetic(request.key, options);
  switch (result.status) {
    case storage::ArithStatus::kOk:
      if (!noreply_) write_number_line(out, result.value);
      return;
    case storage::ArithStatus::kNonNumeric: reply(out, reply::kNonNumericValue); return;
    case storage::ArithStatus::kOutOfMemory:
    case storage::ArithStatus::kOutOfMemoryCreating: reply(out, reply::kOutOfMemory); return;
    case storage::ArithStatus::kNotFound:
    case storage::ArithStatus::kExists: reply(out, reply::kNotFound); return;
  }
}

void SessionCore::touch(const Command& command, OutputQueue& out) {
  const TouchRequest request = parse_touch_request(command.tokens);
  noreply_ = request.noreply;
  if (!request.error.empty()) {
    reply(out, request.error);
    return;
  }
  stats_.cmd_touch.add();
  reply(out, cache_.touch(request.key, request.exptime) ? reply::kTouched : reply::kNotFound);
}

}  // namespace memstripe::protocol
