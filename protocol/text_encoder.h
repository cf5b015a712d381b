// The text protocol's encoder: the command layer's results as memcached 1.6.18's replies,
// byte for byte, written into the OutputQueue. A request's form (classic or meta) picks the
// reply; meta replies are built by meta_replies.h. Values are referenced, not copied, past
// OutputQueue::kCopyValuesBelow. Fixed replies are the constants of responses.h.
#pragma once

#include <cstddef>
#include <string_view>

#include "protocol/admin_commands.h"
#include "protocol/output_queue.h"
#include "protocol/response_writer.h"
#include "protocol/responses.h"
#include "protocol/stat_sink.h"
#include "protocol/stats_commands.h"
#include "protocol/text_request.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class TextEncoder {
 public:
  explicit TextEncoder(const storage::Clock& clock) noexcept : clock_(clock) {}

  // The decoder's own answer to the line (request.reply).
  void answer(const TextRequest& request, OutputQueue& out);
  // One key of a retrieval (a hit or a miss), then the end of the line's keys.
  void value(const TextRequest& request, const storage::ReadResult& found, OutputQueue& out) {
    if (request.form == TextRequest::Form::kMeta) return meta_value(request, found, out);
    if (found.item) write_value(out, found.item, request.with_cas);
  }
  void end_of_values(const TextRequest& request, OutputQueue& out);
  void described(const TextRequest& request, const storage::ItemDescription& found, OutputQueue& out);
  void touched(const TextRequest& request, bool found, OutputQueue& out);

  void store_refused(const TextRequest& request, storage::AllocStatus status, OutputQueue& out);
  // `shown` holds the item stored when the reply shows its key (meta `k`).
  void stored(const PendingStoreReply& reply, const storage::StoreResult& result, const storage::ItemRef& shown,
              OutputQueue& out);
  void bad_data_chunk(const PendingStoreReply& reply, OutputQueue& out);

  void removed(const TextRequest& request, storage::RemoveStatus status, OutputQueue& out);
  void arithmetic(const TextRequest& request, const storage::ArithResult& result, OutputQueue& out);

  void noop(const TextRequest& request, OutputQueue& out);
  void quit(const TextRequest&, OutputQueue&) {}  // memcached sends nothing
  void version(const TextRequest& request, std::string_view version, OutputQueue& out);
  // flush_all, verbosity, cache_memlimit, debug_advance_clock.
  void admin(const TextRequest& request, AdminStatus status, OutputQueue& out);
  // refresh_certs: OK (noreply hides it), or why not: memcached writes that even with
  // noreply.
  void certificates_refreshed(const TextRequest& request, std::string_view error, OutputQueue& out) {
    if (error.empty()) return classic(request, reply::kOk, out);
    out.append(error);
    out.append(reply::kCrlf);
  }
  // A shutdown that goes ahead closes the connection without a reply.
  void shutdown_refused(const TextRequest& request, AdminStatus status, OutputQueue& out);

  // A request refused before the connection has authenticated.
  void unauthenticated(const TextRequest& request, OutputQueue& out);
  // -Y: STORED (noreply or not), or the failure.
  void authenticated(const TextRequest&, bool ok, OutputQueue& out) {
    out.append(ok ? reply::kStored : reply::kAuthenticationFailure);
  }
  // A request of the binary protocol's alone (SASL): no line decodes to one.
  void unsupported(const TextRequest&, OutputQueue& out) { out.append(reply::kError); }

  // `stats`: the lines go through stat_lines(), then the reply's end.
  class StatLines final : public StatSink {
   public:
    explicit StatLines(OutputQueue& out) noexcept : out_(out) {}
    void stat(std::string_view name, std::string_view value) override;

   private:
    OutputQueue& out_;
  };
  StatLines stat_lines(const TextRequest&, OutputQueue& out) const noexcept { return StatLines(out); }
  void end_of_stats(const TextRequest& request, const StatsRequest& stats, OutputQueue& out);

  // `stats cachedump` and `lru_crawler metadump`: a line per item, then the end.
  class DumpLines {
   public:
    DumpLines(const DumpRequest& request, const storage::Clock& clock, OutputQueue& out) noexcept
        : request_(request), clock_(clock), out_(out) {}
    // False once the reply is as long as memcached lets it grow.
    bool item(const storage::ItemInfo& item);

   private:
    bool cachedump_line(const storage::ItemInfo& item);
    void metadump_line(const storage::ItemInfo& item);

    const DumpRequest& request_;
    const storage::Clock& clock_;
    OutputQueue& out_;
    std::size_t bytes_ = 0;
  };
  DumpLines dump_lines(const DumpRequest& request, OutputQueue& out) const noexcept {
    return DumpLines(request, clock_, out);
  }
  void end_of_dump(const DumpRequest& request, DumpStatus status, OutputQueue& out);

 private:
  void meta_value(const TextRequest& request, const storage::ReadResult& found, OutputQueue& out);
  // Classic replies go through here: noreply drops them, errors included.
  static void classic(const TextRequest& request, std::string_view text, OutputQueue& out) {
    if (!request.noreply) out.append(text);
  }

  const storage::Clock& clock_;
};

}  // namespace memstripe::protocol
