#include "protocol/session.h"

#include <array>
#include <limits>
#include <type_traits>
#include <utility>

#include "protocol/admin_commands.h"
#include "protocol/auth_commands.h"
#include "protocol/key_commands.h"
#include "protocol/pipeline_keys.h"
#include "protocol/retrieval_commands.h"
#include "protocol/stats_commands.h"
#include "protocol/storage_commands.h"

namespace memstripe::protocol {
namespace {

// The requests each wire format's decoder may make: the text ones alone have no opcode.
template <class Encoder, class Request>
concept AnswersTextOnlyCommands = requires(Encoder& encoder, const Request& request, OutputQueue& out) {
  encoder.touched(request, true, out);
};
template <class Encoder, class Request>
concept AnswersSasl = requires(Encoder& encoder, const Request& request, OutputQueue& out) {
  encoder.mechanisms(request, std::string_view{}, out);
};

}  // namespace

Session::TextCodec::TextCodec(const Session& session)
    : decoder(ParseOptions{session.context_.config.debug_clock}), encoder(session.context_.cache.clock()) {}

Session::Session(storage::Cache& cache, ServerContext& server, CommandStats& stats, const ProtocolConfig& config,
                 RequestScratch& requests)
    : context_{cache, stats, server, config, auth_}, requests_(requests) {}

std::size_t Session::process(std::string_view input, OutputQueue& out) {
  unsigned unlimited = std::numeric_limits<unsigned>::max();
  return process(input, out, unlimited);
}

std::size_t Session::process(std::string_view input, OutputQueue& out, unsigned& commands_left) {
  if (std::holds_alternative<std::monostate>(codec_)) {
    if (input.empty()) return 0;
    if (!choose_codec(static_cast<unsigned char>(input.front()))) return 0;
    require_authentication();
  }
  if (auto* text = std::get_if<TextCodec>(&codec_)) return run(*text, input, out, commands_left);
  return run(std::get<BinaryCodec>(codec_), input, out, commands_left);
}

bool Session::choose_codec(unsigned char first_byte) {
  const bool binary = first_byte == binary::kRequestMagic;
  switch (context_.config.binding) {
    case Binding::kAuto: break;
    // memcached -B ascii reads everything as text; -B binary reads every request as a
    // binary header, and a text command fails its magic byte (the decoder closes).
    case Binding::kAscii: codec_.emplace<TextCodec>(*this); return true;
    case Binding::kBinary: codec_.emplace<BinaryCodec>(); return true;
  }
  if (binary) {
    codec_.emplace<BinaryCodec>();
  } else {
    codec_.emplace<TextCodec>(*this);
  }
  return true;
}

void Session::require_authentication() noexcept {
  // Each protocol authenticates its own way: SASL for binary connections under -S, a token
  // for text ones under -Y.
  const bool binary = std::holds_alternative<BinaryCodec>(codec_);
  const ProtocolConfig& config = context_.config;
  if (binary && config.sasl) auth_.method = AuthState::Method::kSasl;
  if (!binary && config.ascii_auth) auth_.method = AuthState::Method::kAsciiToken;
}

std::span<char> Session::value_sink() noexcept {
  if (auto* text = std::get_if<TextCodec>(&codec_)) return text->decoder.value_sink();
  if (auto* binary = std::get_if<BinaryCodec>(&codec_)) return binary->decoder.value_sink();
  return {};
}

void Session::value_received(std::size_t n) noexcept {
  if (auto* text = std::get_if<TextCodec>(&codec_)) return text->decoder.value_received(n);
  if (auto* binary = std::get_if<BinaryCodec>(&codec_)) return binary->decoder.value_received(n);
}

bool Session::mid_command() const noexcept {
  if (const auto* text = std::get_if<TextCodec>(&codec_)) return text->decoder.mid_command();
  if (const auto* binary = std::get_if<BinaryCodec>(&codec_)) return binary->decoder.mid_command();
  return false;
}

template <class Codec>
std::size_t Session::run(Codec& codec, std::string_view input, OutputQueue& out, unsigned& commands_left) {
  constexpr bool kText = std::is_same_v<Codec, TextCodec>;
  typename Codec::Request& request = Codec::request(requests_);
  // A binary pipeline's lookups (the getkq ... noop of every binary multi-get), prefetched
  // together so that their cache misses overlap; a single request has nothing to overlap.
  if constexpr (!kText) {
    if (codec.decoder.at_command_line() && auth_.allows_commands()) {
      std::array<std::string_view, storage::Cache::kPrefetchKeys> keys;
      const std::size_t found = binary_pipeline_keys(input, keys);
      if (found > 1) context_.cache.prefetch(std::span(keys.data(), found));
    }
  }
  std::size_t pos = 0;
  while (close_ == Close::kNo) {
    if (commands_left == 0 && codec.decoder.at_command_line()) break;
    DecodeResult decoded;
    if constexpr (kText) {
      decoded = codec.decoder.decode(input.substr(pos), request, requests_.meta, auth_);
    } else {
      decoded = codec.decoder.decode(input.substr(pos), request, auth_);
    }
    pos += decoded.consumed;
    if (decoded.new_command) --commands_left;
    // The decoders refuse what an unauthenticated connection may not ask in their own
    // words; this makes sure nothing else reaches the command layer.
    const bool executes = decoded.status == DecodeStatus::kRequest || decoded.status == DecodeStatus::kValueExpected;
    if (executes && !auth_.allows_commands() && !allowed_before_authentication(request.command)) {
      codec.encoder.unauthenticated(request, out);
      request_close(Close::kAfterReplies, "a request before authentication");
      return pos;
    }
    switch (decoded.status) {
      case DecodeStatus::kRequest: execute(codec, request, out); break;
      case DecodeStatus::kValueExpected: begin_store(codec, request, out); break;
      case DecodeStatus::kValueComplete: finish_store(codec, out); break;
      case DecodeStatus::kSkipped: break;
      case DecodeStatus::kNeedMore: return pos;
      case DecodeStatus::kClose: request_close(Close::kNow, codec.decoder.close_reason()); return pos;
    }
    if (decoded.close_after) request_close(Close::kAfterReplies, codec.decoder.close_reason());
  }
  return pos;
}

// One request against the command layer, its result through the codec's encoder: a
// visitor with a handler per request (commands of one wire format alone are refused by
// the other's encoder, never executed). One object of a few references, so a visit costs
// a jump through the variant's table and nothing more.
template <class Codec>
struct Session::Execution {
  using Request = typename Codec::Request;
  using Encoder = decltype(Codec::encoder);
  static constexpr bool kTextOnly = AnswersTextOnlyCommands<Encoder, Request>;
  static constexpr bool kSasl = AnswersSasl<Encoder, Request>;

  Session& session;
  Encoder& encoder;
  Request& request;
  OutputQueue& out;

  CommandContext& context() const noexcept { return session.context_; }

  void operator()(const NoRequest&) { encoder.answer(request, out); }
  void operator()(GetRequest& get) {
    RetrievalCommands retrieval(context());
    std::string_view key;
    while (get.keys.next(key)) encoder.value(request, retrieval.get(key, get.options), out);
    encoder.end_of_values(request, out);
  }
  void operator()(const TouchRequest& touch) {
    if constexpr (kTextOnly) {
      encoder.touched(request, KeyCommands(context()).touch(touch), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const DescribeRequest& describe) {
    if constexpr (kTextOnly) {
      encoder.described(request, RetrievalCommands(context()).describe(describe), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const StoreRequest&) {}  // begin_store()
  void operator()(const RemoveRequest& remove) { encoder.removed(request, KeyCommands(context()).remove(remove), out); }
  void operator()(const ArithmeticRequest& arithmetic) {
    encoder.arithmetic(request, KeyCommands(context()).arithmetic(arithmetic), out);
  }
  void operator()(const FlushRequest& flush) { encoder.admin(request, AdminCommands(context()).flush(flush), out); }
  void operator()(const VersionRequest&) { encoder.version(request, AdminCommands(context()).version(), out); }
  void operator()(const NoopRequest&) { encoder.noop(request, out); }
  void operator()(const QuitRequest&) {
    encoder.quit(request, out);
    session.request_close(Close::kAfterReplies, "quit");
  }
  void operator()(const VerbosityRequest& verbosity) {
    AdminCommands(context()).verbosity(verbosity);
    encoder.admin(request, AdminStatus::kDone, out);
  }
  void operator()(const ShutdownRequest& shutdown) {
    if constexpr (kTextOnly) {
      const AdminStatus status = AdminCommands(context()).shutdown(shutdown);
      if (status == AdminStatus::kDone) {
        session.request_close(Close::kNow, "shutdown");  // memcached closes without a reply
      } else {
        encoder.shutdown_refused(request, status, out);
      }
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const MemlimitRequest& memlimit) {
    if constexpr (kTextOnly) {
      encoder.admin(request, AdminCommands(context()).set_memory_limit(memlimit), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const AdvanceClockRequest& advance) {
    if constexpr (kTextOnly) {
      AdminCommands(context()).advance_clock(advance);
      encoder.admin(request, AdminStatus::kDone, out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const RefreshCertsRequest&) {
    if constexpr (kTextOnly) {
      encoder.certificates_refreshed(request, AdminCommands(context()).refresh_certificates(), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const StatsRequest& stats) {
    auto lines = encoder.stat_lines(request, out);
    StatsCommands(context()).report(stats, lines);
    encoder.end_of_stats(request, stats, out);
  }
  void operator()(const DumpRequest& dump) {
    if constexpr (kTextOnly) {
      auto lines = encoder.dump_lines(dump, out);
      const DumpStatus status =
          StatsCommands(context()).dump(dump, [&lines](const storage::ItemInfo& item) { return lines.item(item); });
      encoder.end_of_dump(dump, status, out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const SaslListRequest&) {
    if constexpr (kSasl) {
      encoder.mechanisms(request, AuthCommands(context()).mechanisms(), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const AsciiAuthRequest& auth) {
    if constexpr (kTextOnly) {
      encoder.authenticated(request, AuthCommands(context()).authenticate(auth), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
  void operator()(const SaslAuthRequest& auth) {
    if constexpr (kSasl) {
      encoder.authentication(request, AuthCommands(context()).authenticate(auth), out);
    } else {
      encoder.unsupported(request, out);
    }
  }
};

template <class Codec>
void Session::execute(Codec& codec, typename Codec::Request& request, OutputQueue& out) {
  Execution<Codec> execution{*this, codec.encoder, request, out};
  // Most requests are gets: they skip the visit's dispatch.
  if (GetRequest* get = std::get_if<GetRequest>(&request.command)) return execution(*get);
  std::visit(execution, request.command);
}

template <class Codec>
void Session::begin_store(Codec& codec, typename Codec::Request& request, OutputQueue& out) {
  const auto& store = std::get<StoreRequest>(request.command);
  storage::AllocResult allocated = StorageCommands(context_).allocate(store);
  if (allocated.status != storage::AllocStatus::kOk) {
    codec.encoder.store_refused(request, allocated.status, out);
    codec.decoder.refuse_value();
    return;
  }
  codec.decoder.accept_value(std::move(allocated.item));
}

template <class Codec>
void Session::finish_store(Codec& codec, OutputQueue& out) {
  PendingValue& pending = codec.decoder.pending_value();
  const auto& reply = codec.decoder.pending_reply();
  StorageCommands storage(context_);
  storage.value_arrived();
  if (!pending.intact) {
    pending.item.reset();
    codec.encoder.bad_data_chunk(reply, out);
    return;
  }
  // The key is shown from the item, which the store may hand to the cache or free.
  storage::ItemRef shown;
  if (reply.shows_key()) shown = pending.item;
  const storage::StoreResult result = storage.store(pending.mode, pending.options, std::move(pending.item));
  codec.encoder.stored(reply, result, shown, out);
}

void Session::request_close(Close how, std::string_view reason) noexcept {
  if (close_ == Close::kNow) return;
  close_ = how;
  close_reason_ = reason;
}

}  // namespace memstripe::protocol
