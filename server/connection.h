// One client connection: reads requests into a buffer (or straight into the value being
// stored), hands everything buffered to its protocol::Session (so pipelined commands are
// executed in one go), and sends the replies with gathered writes that reference values
// rather than copy them.
//
// Syscalls per request, the cost that matters here: the wait for readability is
// async_wait, then one non-blocking read; replies are written at once with one sendmsg,
// and only a partial write waits for writability. (async_read_some would first try a
// speculative read that returns EAGAIN, every time.)
//
// Memory: an idle connection holds no read buffer and no reply queue: it takes them from
// its worker's pools when bytes arrive and gives them back once they are consumed and
// sent. The pools keep them warm, so no request allocates either.
//
// Backpressure: a client whose replies are not being read stops being read once they
// pass kMaxPendingOutput, and is read again when they drain.
//
// Lifetime: a Connection belongs to its worker thread and deletes itself once it is
// closed and no wait of its is still pending.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstddef>
#include <memory>

#include "protocol/output_queue.h"
#include "protocol/session.h"
#include "server/connection_registry.h"
#include "server/read_buffer_pool.h"

namespace memstripe::server {

class Worker;

class Connection final : public ConnectionRecord {
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

 private:
  enum class ReadResult : std::uint8_t { kSome, kFilled, kWouldBlock, kEndOfInput, kClosed };

  Connection(Worker& worker, int fd, const ListenerRecord& listener);
  ~Connection();

  void wait_readable();
  void wait_writable();
  void on_readable(const boost::system::error_code& ec);
  void on_writable(const boost::system::error_code& ec);
  ReadResult read_once();
  bool process_input();  // false once closed
  bool flush();          // false once closed
  void after_io();
  void give_back_idle_memory();
  protocol::OutputQueue& output();
  std::size_t pending_output() const noexcept { return out_ ? out_->pending_bytes() : 0; }
  void delete_if_finished();

  Worker& worker_;
  // Bound to io_context's own executor type, not the type-erased default: 48 bytes less
  // in every connection, and in every pending wait.
  boost::asio::posix::basic_stream_descriptor<boost::asio::io_context::executor_type> socket_;
  protocol::Session session_;
  // From the worker's pool while replies are queued; null when idle.
  std::unique_ptr<protocol::OutputQueue> out_;
  InputBuffer in_;
  bool reading_ = false;  // an async_wait for readability is pending
  bool writing_ = false;  // an async_wait for writability is pending
  bool closed_ = false;
  bool close_after_replies_ = false;
};

}  // namespace memstripe::server
