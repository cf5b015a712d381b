// One client connection: reads requests into a buffer (or straight into the value being
// stored), hands everything buffered to its protocol::Session (so pipelined commands are
// executed in one go), and sends the replies with gathered writes that reference values
// rather than copy them.
//
// Syscalls per request, the cost that matters here: one recv when the worker's
// SocketPoller reports the socket readable (a readv when a value's bytes go straight into
// its item), and one send for the replies (a sendmsg when they are more than one buffer);
// only a partial write waits for writability. What the socket waits for is registered once
// and changed only when it changes (backpressure, a partial write), not per request.
//
// Memory: an idle connection holds no read buffer and no reply queue: it takes them from
// its worker's pools when bytes arrive and gives them back once they are consumed and
// sent. The pools keep them warm, so no request allocates either.
//
// Backpressure: a client whose replies are not being read stops being read, and its
// requests already buffered stop being run, once they pass kMaxPendingOutput; both resume
// when they drain.
//
// Fairness: a turn runs at most -R requests (memcached's reqs_per_event), then the
// connection yields with the rest still in its buffer and asks its poller for another
// turn. It reads its socket again only once what it buffered has run, so a flood of
// pipelined requests waits in the kernel, not in memstripe's memory.
//
// TLS (-Z, on a TLS listener): the connection starts in a handshake, stepped by the same
// readiness events (OpenSSL reads and writes the non-blocking socket itself and says which
// readiness it waits for), and bounded in time by the worker's once-a-second tick, so a
// client that stalls or dribbles its ClientHello holds a descriptor and a small SSL
// object, nothing else, and costs the others no turn. Then requests are read with SSL_read
// straight into the buffer (or the value being stored), and replies leave through
// flush_tls(): small pieces gathered into the worker's staging buffer (ssl_wbuf_size) so
// that a flush is as few records and SSL_writes as it can be, large values written from
// where they are.
//
// Lifetime: a Connection belongs to its worker thread and deletes itself once it is
// closed (at the end of its event handler, when it closes from there).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "protocol/output_queue.h"
#include "protocol/session.h"
#include "server/connection_registry.h"
#include "server/connection_services.h"
#include "server/read_buffer_pool.h"
#include "server/socket_poller.h"
#include "server/tls_session.h"

namespace memstripe::server {

class Connection final : public ConnectionRecord, public PolledSocket {
 public:
  static constexpr std::size_t kMaxPendingOutput = 2 * 1024 * 1024;
  // A command line longer than this (memcached exempts get and gets from its 2048-byte
  // line limit) closes the connection rather than growing the buffer further.
  static constexpr std::size_t kMaxInputBuffer = 8 * 1024 * 1024;
  // Entries per sendmsg (Linux allows 1024).
  static constexpr std::size_t kMaxIovecs = 128;
  // A TLS handshake not complete this many seconds after the accept is abandoned.
  static constexpr storage::RelTime kHandshakeTimeout = 10;

  // Takes `fd` (non-blocking) and starts serving it on the thread that owns `services`.
  static void open(ConnectionServices& services, int fd, const ListenerRecord& listener);

  // The worker is shutting down: read no more, send what is queued, then close.
  void drain();
  // Once a second (with -o idle_timeout or -Z): closes a connection that has waited for a
  // command longer than `idle_timeout` seconds (0: never), or whose TLS handshake has
  // taken kHandshakeTimeout.
  void tick(storage::RelTime now, unsigned idle_timeout);
  // Closes at once.
  void close();
  // Draining, every few hundred milliseconds: a connection lingering after its replies
  // (see linger()) that has received nothing since the last call is closed.
  void linger_check();

 private:
  // Where the connection is in its life. (ConnectionState, in the registry, is the coarser
  // memcached-named state that `stats conns` shows.)
  //
  //   kHandshaking ──the TLS handshake completes──> kServing   (TLS listeners start here)
  //   kHandshaking ──it fails, the client leaves, kHandshakeTimeout passes──> kClosed
  //   kServing ──a turn ends at -R with requests still buffered──> kYielded
  //   kYielded ──a turn runs them (output below kMaxPendingOutput)──> kServing
  //   kServing ──end of input with replies unsent, or `quit`──> kClosingAfterReplies
  //   kServing ──the worker drains and every reply is sent──> kLingering  (FIN sent)
  //   kLingering ──a linger_check() with nothing read since the last──> kLingeringQuiet
  //   kLingeringQuiet ──input arrives (read and dropped)──> kLingering
  //   kClosingAfterReplies ──the last reply is sent──> kClosed
  //   kLingeringQuiet ──the next linger_check()──> kClosed
  //   any ──close(): an error, a protocol close, the client's end, a timeout──> kClosed
  //
  // Orthogonal to the phase, and kept apart because they mirror the poller rather than
  // the client: what the socket is registered to wait for (interest_) and whether a turn
  // asked of the poller is still to come (turn_asked_: it may outlive kYielded, when a
  // readable event runs the buffered requests first).
  enum class Phase : std::uint8_t {
    kHandshaking,          // TLS: the handshake is under way, no request is read yet
    kServing,              // reading and running requests
    kYielded,              // the last turn ended with requests still buffered
    kClosingAfterReplies,  // reads nothing more; closes once the queued replies are sent
    kLingering,            // draining, FIN sent: input is read only to be dropped
    kLingeringQuiet,       // lingering, and nothing arrived since the last linger_check()
    kClosed,               // deleted once no handler of this connection is running
  };
  // What the socket is registered with the poller to wait for.
  struct Interest {
    bool read = false;
    bool write = false;
    friend bool operator==(const Interest&, const Interest&) = default;
  };
  enum class ReadResult : std::uint8_t { kSome, kFilled, kWouldBlock, kEndOfInput, kClosed };

  Connection(ConnectionServices& services, int fd, const ListenerRecord& listener, std::unique_ptr<TlsSession> tls);
  ~Connection();

  bool closed() const noexcept { return phase_ == Phase::kClosed; }
  bool lingering() const noexcept { return phase_ == Phase::kLingering || phase_ == Phase::kLingeringQuiet; }
  // Requests are read and run: neither the client nor the worker is ending the connection.
  bool takes_requests() const noexcept {
    return (phase_ == Phase::kServing || phase_ == Phase::kYielded) && !services_.draining;
  }
  bool backpressured() const noexcept { return pending_output() >= kMaxPendingOutput; }
  // Whether the socket should be waited on for readability now (not while OpenSSL must
  // write before it can read on: level-triggered, the socket would wake the loop for
  // nothing).
  bool wants_input() const noexcept {
    if (tls_wants_write_) return false;
    return phase_ == Phase::kHandshaking || lingering() || (takes_requests() && !backpressured());
  }

  void on_events(std::uint32_t events) override;
  void on_turn() override;
  void on_readable();
  // TLS: one step of the handshake; a failure closes and is counted.
  void continue_handshake();
  void handshake_failed(const char* why);
  // One turn: the requests left buffered by the last turn, then what the socket has
  // (when `read_socket`), up to -R requests in all.
  void serve(bool read_socket);
  // Another turn from the poller, when the last one yielded and replies may be added.
  void ask_for_turn();
  // Draining and everything sent: the FIN goes out, and whatever the client still sends is
  // read and dropped until it ends or goes quiet (linger_check()), then the connection
  // closes. Closing a TCP socket at once would answer input still arriving with a reset,
  // and a reset throws away the replies still on their way.
  void linger();
  void discard_input();
  // Registers what the socket should wait for now, when that changed.
  void update_interest();
  ReadResult read_once();
  ReadResult read_once_tls(std::span<char> sink);
  // The client has sent all it will.
  ReadResult end_of_input();
  bool process_input(unsigned& requests_left);  // false once closed
  bool flush();          // false once closed
  bool flush_tls();      // flush() on a TLS connection
  void after_io();
  void give_back_idle_memory();
  protocol::OutputQueue& output();
  std::size_t pending_output() const noexcept { return out_ ? out_->pending_bytes() : 0; }
  void delete_if_finished();

  ConnectionServices& services_;
  protocol::Session session_;
  // From the worker's pool while replies are queued; null when idle.
  std::unique_ptr<protocol::OutputQueue> out_;
  InputBuffer in_;
  Phase phase_ = Phase::kServing;
  Interest interest_;
  bool turn_asked_ = false;  // deferred to the poller, on_turn() not yet run
  bool in_handler_ = false;  // on_events() or on_turn() is running: close() leaves deleting to it
  // TLS: null on a plaintext connection.
  std::unique_ptr<TlsSession> tls_;
  bool tls_wants_write_ = false;     // a handshake step or a read waits for writability
  std::size_t tls_retry_bytes_ = 0;  // an SSL_write to retry with this many bytes
};

}  // namespace memstripe::server
