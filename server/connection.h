// One client connection: reads requests into a buffer (or straight into the value being
// stored), hands everything buffered to its protocol::Session (so pipelined commands are
// executed in one go), and sends the replies with gathered writes that reference values
// rather than copy them.
//
// Syscalls per request, the cost that matters here: one read when the worker's
// SocketPoller reports the socket readable, and one sendmsg for the replies; only a
// partial write waits for writability. What the socket waits for is registered once and
// changed only when it changes (backpressure, a partial write), not per request.
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
// Lifetime: a Connection belongs to its worker thread and deletes itself once it is
// closed (at the end of its event handler, when it closes from there).
#pragma once

#include <cstddef>
#include <memory>

#include "protocol/output_queue.h"
#include "protocol/session.h"
#include "server/connection_registry.h"
#include "server/read_buffer_pool.h"
#include "server/socket_poller.h"

namespace memstripe::server {

class Worker;

class Connection final : public ConnectionRecord, public PolledSocket {
 public:
  static constexpr std::size_t kMaxPendingOutput = 2 * 1024 * 1024;
  // A command line longer than this (memcached exempts get and gets from its 2048-byte
  // line limit) closes the connection rather than growing the buffer further.
  static constexpr std::size_t kMaxInputBuffer = 8 * 1024 * 1024;
  // Entries per sendmsg (Linux allows 1024).
  static constexpr std::size_t kMaxIovecs = 128;

  // Takes `fd` (non-blocking) and starts serving it on `worker`'s thread.
  static void open(Worker& worker, int fd, const ListenerRecord& listener);

  // The worker is shutting down: read no more, send what is queued, then close.
  void drain();
  // The worker's once-a-second check: closes a connection that has waited for a command
  // longer than `idle_timeout` seconds (0: never).
  void tick(storage::RelTime now, unsigned idle_timeout);
  // Closes at once.
  void close();
  // Draining, every few hundred milliseconds: a connection lingering after its replies
  // (see linger()) that has received nothing since the last call is closed.
  void linger_check();

 private:
  enum class ReadResult : std::uint8_t { kSome, kFilled, kWouldBlock, kEndOfInput, kClosed };

  Connection(Worker& worker, int fd, const ListenerRecord& listener);
  ~Connection();

  void on_events(std::uint32_t events) override;
  void on_turn() override;
  void on_readable();
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
  bool process_input(unsigned& requests_left);  // false once closed
  bool flush();          // false once closed
  void after_io();
  void give_back_idle_memory();
  protocol::OutputQueue& output();
  std::size_t pending_output() const noexcept { return out_ ? out_->pending_bytes() : 0; }
  void delete_if_finished();

  Worker& worker_;
  protocol::Session session_;
  // From the worker's pool while replies are queued; null when idle.
  std::unique_ptr<protocol::OutputQueue> out_;
  InputBuffer in_;
  bool reading_ = false;     // the poller reports readability
  bool writing_ = false;     // the poller reports writability
  bool in_handler_ = false;  // on_events() is running: close() leaves deleting to it
  bool closed_ = false;
  bool close_after_replies_ = false;
  bool lingering_ = false;         // linger(): FIN sent, input read only to be dropped
  bool heard_while_lingering_ = false;  // since the last linger_check()
  bool yielded_ = false;      // the last turn ended with requests still buffered
  bool turn_pending_ = false;  // deferred to the poller, on_turn() not yet run
};

}  // namespace memstripe::server
