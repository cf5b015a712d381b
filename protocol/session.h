// One client's conversation: bytes in, replies out, against a cache. Pure code: no
// sockets, no Asio. The server owns one Session per connection and does the I/O around it.
//
// A Session is the loop decode → execute → encode. Its codec — memcached's text protocol
// (text_decoder.h, text_encoder.h) or its binary protocol (binary_decoder.h,
// binary_encoder.h), chosen by the connection's first byte as memcached's -B says — turns
// the bytes into requests in no wire format (requests.h), which the command families
// execute against the cache (retrieval_commands.h, storage_commands.h, key_commands.h,
// admin_commands.h, stats_commands.h); the codec's encoder writes their results as
// replies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "protocol/binary_decoder.h"
#include "protocol/binary_encoder.h"
#include "protocol/command_context.h"
#include "protocol/command_stats.h"
#include "protocol/output_queue.h"
#include "protocol/protocol_config.h"
#include "protocol/request_scratch.h"
#include "protocol/sasl.h"
#include "protocol/server_context.h"
#include "protocol/text_decoder.h"
#include "protocol/text_encoder.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class Session {
 public:
  // `requests` is shared by every session of the calling thread (request_scratch.h).
  Session(storage::Cache& cache, ServerContext& server, CommandStats& stats, const ProtocolConfig& config,
          RequestScratch& requests);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Decodes and executes every complete command at the front of `input`, appending the
  // replies to `out`. Returns the bytes consumed; the caller keeps the rest, adds what
  // arrives next, and calls again. Stops early once close_requested().
  // (The server counts bytes_read and bytes_written; the Session counts commands.)
  std::size_t process(std::string_view input, OutputQueue& out);
  // The same, executing at most `commands_left` commands and counting it down: a client's
  // turn ends after memcached's -R requests, so a long pipeline cannot hold up the other
  // clients of its thread. A value already announced is still taken.
  std::size_t process(std::string_view input, OutputQueue& out, unsigned& commands_left);

  // While a value is arriving, the part of the new item still missing: the server may
  // read the socket straight into it, then report with value_received(). What follows it
  // goes through process() as usual.
  std::span<char> value_sink() noexcept;
  void value_received(std::size_t n) noexcept;

  enum class Close : std::uint8_t {
    kNo,
    kAfterReplies,  // `quit`, a malformed binary request: send what is queued, then close
    kNow,           // memcached drops the connection at once (HTTP request, runaway line)
  };
  Close close_requested() const noexcept { return close_; }
  // Why, in a few words the server can log ("quit", "HTTP request", ...).
  std::string_view close_reason() const noexcept { return close_reason_; }

  // True while the bytes kept by the caller are the start of an unfinished command (or a
  // value is expected), so an idle connection can give its read buffer back only when this
  // is false.
  bool mid_command() const noexcept;

 private:
  struct TextCodec {
    explicit TextCodec(const Session& session);
    using Request = TextRequest;
    static Request& request(RequestScratch& requests) noexcept { return requests.text; }
    TextDecoder decoder;
    TextEncoder encoder;
  };
  struct BinaryCodec {
    using Request = BinaryRequest;
    static Request& request(RequestScratch& requests) noexcept { return requests.binary; }
    BinaryDecoder decoder;
    BinaryEncoder encoder;
  };

  // Picks the codec for the connection's first byte; false when -B refuses it.
  bool choose_codec(unsigned char first_byte);
  void require_authentication() noexcept;
  template <class Codec>
  std::size_t run(Codec& codec, std::string_view input, OutputQueue& out, unsigned& commands_left);
  template <class Codec>
  struct Execution;
  template <class Codec>
  void execute(Codec& codec, typename Codec::Request& request, OutputQueue& out);
  template <class Codec>
  void begin_store(Codec& codec, typename Codec::Request& request, OutputQueue& out);
  template <class Codec>
  void finish_store(Codec& codec, OutputQueue& out);
  void request_close(Close how, std::string_view reason) noexcept;

  AuthState auth_;
  CommandContext context_;
  RequestScratch& requests_;
  std::variant<std::monostate, TextCodec, BinaryCodec> codec_;
  Close close_ = Close::kNo;
  std::string_view close_reason_;
};

}  // namespace memstripe::protocol
