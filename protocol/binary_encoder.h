// The binary protocol's encoder: the command layer's results as memcached 1.6.18's
// response packets (proto_bin.c: add_bin_header(), write_bin_response(),
// write_bin_error()), written into the OutputQueue. Quiet requests are answered only on
// error (and a GETQ's hit); values are referenced, not copied, past
// OutputQueue::kCopyValuesBelow. Its methods are the TextEncoder's, so the Session runs
// either.
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/admin_commands.h"
#include "protocol/binary_protocol.h"
#include "protocol/binary_request.h"
#include "protocol/output_queue.h"
#include "protocol/sasl.h"
#include "protocol/stat_sink.h"
#include "protocol/stats_commands.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class BinaryEncoder {
 public:
  // The decoder's own answer (request.error).
  void answer(const BinaryRequest& request, OutputQueue& out);
  void value(const BinaryRequest& request, const storage::ReadResult& found, OutputQueue& out);
  void end_of_values(const BinaryRequest&, OutputQueue&) {}

  void store_refused(const BinaryRequest& request, storage::AllocStatus status, OutputQueue& out);
  void stored(const PendingBinaryReply& reply, const storage::StoreResult& result, const storage::ItemRef& shown,
              OutputQueue& out);
  void bad_data_chunk(const PendingBinaryReply&, OutputQueue&) {}  // no terminator to get wrong

  void removed(const BinaryRequest& request, storage::RemoveStatus status, OutputQueue& out);
  void arithmetic(const BinaryRequest& request, const storage::ArithResult& result, OutputQueue& out);

  void noop(const BinaryRequest& request, OutputQueue& out);
  void quit(const BinaryRequest& request, OutputQueue& out);
  void version(const BinaryRequest& request, std::string_view version, OutputQueue& out);
  // flush.
  void admin(const BinaryRequest& request, AdminStatus status, OutputQueue& out);

  // STAT: one packet per stat, then an empty one.
  class StatLines final : public StatSink {
   public:
    StatLines(const BinaryRequest& request, OutputQueue& out) noexcept : request_(request), out_(out) {}
    void stat(std::string_view name, std::string_view value) override;

   private:
    const BinaryRequest& request_;
    OutputQueue& out_;
  };
  StatLines stat_lines(const BinaryRequest& request, OutputQueue& out) const noexcept {
    return StatLines(request, out);
  }
  void end_of_stats(const BinaryRequest& request, const StatsRequest& stats, OutputQueue& out);

  // SASL: the mechanisms, then each step's outcome.
  void mechanisms(const BinaryRequest& request, std::string_view mechanisms, OutputQueue& out);
  void authentication(const BinaryRequest& request, const SaslOutcome& outcome, OutputQueue& out);
  // A request refused before the connection has authenticated.
  void unauthenticated(const BinaryRequest& request, OutputQueue& out);

  // A request of the text protocol's alone (touch, me, shutdown, cache_memlimit, dumps):
  // no opcode decodes to one.
  void unsupported(const BinaryRequest& request, OutputQueue& out);
};

}  // namespace memstripe::protocol
