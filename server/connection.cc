#include "server/connection.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>

namespace memstripe::server {

void Connection::open(ConnectionServices& services, int fd, const ListenerRecord& listener) {
  std::unique_ptr<TlsSession> tls;
  if (listener.tls && services.tls != nullptr) {
    tls = services.tls->new_session(fd);
    if (!tls) {
      spdlog::warn("<{} cannot start TLS on a new connection", fd);
      services.tls->count_handshake_error();
      ::close(fd);
      services.on_closed();
      return;
    }
  }
  auto* connection = new Connection(services, fd, listener, std::move(tls));
  connection->interest_ = {.read = true, .write = false};
  if (!services.poller.add(fd, *connection, true, false)) {
    spdlog::warn("<{} cannot serve a new connection: {}", fd, std::strerror(errno));
    ::close(fd);
    services.on_closed();
    delete connection;
    return;
  }
  services.registry.add(*connection);
  SPDLOG_TRACE("<{} new client connection on {}", fd, listener.address);
}

Connection::Connection(ConnectionServices& services, int fd, const ListenerRecord& listener,
                       std::unique_ptr<TlsSession> tls)
    : ConnectionRecord(fd, listener, services.cache.clock().now()),
      services_(services),
      session_(services.cache, services.server, services.commands, services.protocol, services.requests),
      phase_(tls ? Phase::kHandshaking : Phase::kServing),
      tls_(std::move(tls)) {}

Connection::~Connection() = default;

void Connection::update_interest() {
  const Interest wanted{.read = wants_input(), .write = pending_output() > 0 || tls_wants_write_};
  if (wanted.write) set_state(ConnectionState::kWriting);
  if (wanted == interest_) return;
  if (!services_.poller.change(fd(), *this, wanted.read, wanted.write)) {
    SPDLOG_DEBUG("<{} cannot wait on the socket: {}", fd(), std::strerror(errno));
    return close();
  }
  interest_ = wanted;
}

void Connection::on_events(std::uint32_t events) {
  in_handler_ = true;
  if (phase_ == Phase::kHandshaking) {
    continue_handshake();  // whatever the event: a hang-up or an error fails the step
    in_handler_ = false;
    return delete_if_finished();
  }
  if ((events & EPOLLOUT) && !closed()) {
    if (tls_wants_write_) {
      tls_wants_write_ = false;
      serve(true);  // the read that had to write first goes on (and flushes)
    } else if (flush()) {
      after_io();
      ask_for_turn();  // requests left buffered by backpressure may run again
    }
  }
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && !closed()) {
    if (interest_.read) {
      on_readable();  // a hang-up or an error surfaces as a read of 0 bytes or a failure
    } else if (events & (EPOLLHUP | EPOLLERR)) {
      close();  // not reading (backpressure, draining): the peer is gone
    }
  }
  in_handler_ = false;
  delete_if_finished();
}

void Connection::on_turn() {
  turn_asked_ = false;
  in_handler_ = true;
  // TLS: what OpenSSL holds decrypted is read on this turn (the socket will not report it).
  if (!closed() && !lingering()) serve(tls_ && tls_->has_pending());
  in_handler_ = false;
  delete_if_finished();
}

void Connection::on_readable() {
  if (lingering()) return discard_input();
  serve(true);
}

void Connection::serve(bool read_socket) {
  unsigned requests_left = services_.requests_per_event;
  // Backpressure holds for requests already buffered too: they wait for writability.
  // (Draining does not: what was read is answered.)
  if (phase_ == Phase::kYielded && !backpressured()) {
    phase_ = Phase::kServing;
    if (!process_input(requests_left)) return;
  }
  // While a read fills all the room it was given there is probably more: read again.
  while (read_socket && requests_left > 0 && takes_requests() && !backpressured()) {
    const ReadResult r = read_once();
    if (r == ReadResult::kClosed) return;
    if (r == ReadResult::kWouldBlock || r == ReadResult::kEndOfInput) break;
    if (!process_input(requests_left)) return;
    if (r != ReadResult::kFilled) break;
  }
  if (requests_left == 0 && !in_.empty() && phase_ != Phase::kClosingAfterReplies) {
    // Perhaps only the start of a command is left, and the next turn finds nothing to do;
    // telling would mean parsing ahead.
    phase_ = Phase::kYielded;
    services_.commands.conn_yields.add();
  }
  if (!flush()) return;
  after_io();
  ask_for_turn();
}

void Connection::continue_handshake() {
  tls_wants_write_ = false;
  switch (tls_->handshake()) {
    case TlsSession::Status::kOk:
      phase_ = Phase::kServing;
      set_last_command(services_.cache.clock().now());  // idle from here, for -o idle_timeout
      SPDLOG_DEBUG("<{} TLS established: {}", fd(), tls_->describe());
      if (tls_->has_pending()) return serve(true);
      return after_io();
    case TlsSession::Status::kWantRead:
      return update_interest();
    case TlsSession::Status::kWantWrite:
      tls_wants_write_ = true;
      return update_interest();
    case TlsSession::Status::kClosed:
      return handshake_failed("the client left");
    case TlsSession::Status::kFailed:
      return handshake_failed(tls_->error().c_str());
  }
}

void Connection::handshake_failed(const char* why) {
  services_.tls->count_handshake_error();
  SPDLOG_DEBUG("<{} TLS handshake failed: {}", fd(), why);
  // What the client sent and OpenSSL did not read (plaintext, say) would turn the close
  // into a reset: read it away first, once.
  char scratch[4096];
  ssize_t ignored = ::recv(fd(), scratch, sizeof scratch, MSG_DONTWAIT);
  (void)ignored;
  close();
}

void Connection::ask_for_turn() {
  // TLS: bytes OpenSSL holds make no epoll event, so they need a turn as buffered requests do.
  const bool tls_held = tls_ && !closed() && wants_input() && tls_->has_pending();
  if ((phase_ != Phase::kYielded && !tls_held) || turn_asked_ || backpressured()) return;
  turn_asked_ = true;
  services_.poller.defer(*this);
}

Connection::ReadResult Connection::read_once() {
  if (!in_.held()) services_.buffers.take(in_);
  in_.compact();
  std::span<char> sink = session_.value_sink();
  if (sink.empty() && in_.space() == 0) {
    // Only a command line can fill the buffer (values go straight into their items).
    if (!ReadBufferPool::grow(in_, kMaxInputBuffer)) {
      SPDLOG_DEBUG("<{} closing: a command line longer than {} bytes", fd(), kMaxInputBuffer);
      close();
      return ReadResult::kClosed;
    }
  }
  if (tls_) return read_once_tls(sink);
  for (;;) {
    ssize_t n;
    std::size_t room;
    if (!sink.empty()) {
      // The rest of a value goes straight into its item; what follows it, into the buffer.
      // (process_input() has moved any buffered bytes into the sink already.)
      iovec iov[2] = {{sink.data(), sink.size()}, {in_.data.get() + in_.end, in_.space()}};
      room = sink.size() + in_.space();
      n = ::readv(fd(), iov, 2);
      if (n > 0) {
        std::size_t to_sink = std::min(static_cast<std::size_t>(n), sink.size());
        session_.value_received(to_sink);
        in_.end += static_cast<std::uint32_t>(static_cast<std::size_t>(n) - to_sink);
      }
    } else {
      room = in_.space();
      // recv() goes straight to the socket; read() passes through the file layer
      // (permission and fsnotify hooks) first, measurable at one read per request.
      n = ::recv(fd(), in_.data.get() + in_.end, room, 0);
      if (n > 0) in_.end += static_cast<std::uint32_t>(n);
    }
    if (n > 0) {
      services_.commands.bytes_read.add(static_cast<std::uint64_t>(n));
      set_last_command(services_.cache.clock().now());
      return static_cast<std::size_t>(n) == room ? ReadResult::kFilled : ReadResult::kSome;
    }
    if (n == 0) return end_of_input();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::kWouldBlock;
    SPDLOG_DEBUG("<{} read failed: {}", fd(), std::strerror(errno));
    close();
    return ReadResult::kClosed;
  }
}

// One SSL_read, into the value being stored when one is (OpenSSL decrypts straight into
// the item), else into the buffer. A record's plaintext that does not fit stays inside
// OpenSSL: a read that fills its room is followed by another (serve()), and a turn ending
// first leaves has_pending() for ask_for_turn().
Connection::ReadResult Connection::read_once_tls(std::span<char> sink) {
  const bool into_sink = !sink.empty();
  char* const into = into_sink ? sink.data() : in_.data.get() + in_.end;
  const std::size_t room = into_sink ? sink.size() : in_.space();
  const TlsSession::Result r = tls_->read(into, room);
  switch (r.status) {
    case TlsSession::Status::kOk:
      if (into_sink) {
        session_.value_received(r.bytes);
      } else {
        in_.end += static_cast<std::uint32_t>(r.bytes);
      }
      services_.commands.bytes_read.add(r.bytes);
      set_last_command(services_.cache.clock().now());
      return r.bytes == room ? ReadResult::kFilled : ReadResult::kSome;
    case TlsSession::Status::kWantWrite:
      tls_wants_write_ = true;  // update_interest() waits for writability instead
      return ReadResult::kWouldBlock;
    case TlsSession::Status::kWantRead:
      return ReadResult::kWouldBlock;
    case TlsSession::Status::kClosed:
      return end_of_input();
    case TlsSession::Status::kFailed:
      break;
  }
  SPDLOG_DEBUG("<{} TLS read failed: {}", fd(), tls_->error());
  close();
  return ReadResult::kClosed;
}

Connection::ReadResult Connection::end_of_input() {
  // The client has sent all it will. memcached closes at once and drops replies not yet
  // sent; memstripe sends them first (a client may half-close after its last request and
  // still read).
  SPDLOG_TRACE("<{} end of input from the client", fd());
  if (pending_output() == 0) {
    close();
    return ReadResult::kClosed;
  }
  phase_ = Phase::kClosingAfterReplies;
  return ReadResult::kEndOfInput;
}

protocol::OutputQueue& Connection::output() {
  if (!out_) out_ = services_.output_queues.take();
  return *out_;
}

bool Connection::process_input(unsigned& requests_left) {
  set_state(ConnectionState::kParsing);
  // At least once: a binary value read whole into value_sink() is complete with nothing
  // after it, and process() is what hands it over.
  for (bool once = true; !in_.empty() || once; once = false) {
    const std::size_t used =
        session_.process(std::string_view(in_.data.get() + in_.begin, in_.size()), output(), requests_left);
    in_.begin += static_cast<std::uint32_t>(used);
    switch (session_.close_requested()) {
      case protocol::Session::Close::kNow:
        SPDLOG_DEBUG("<{} closing: {}", fd(), session_.close_reason());
        close();
        return false;
      case protocol::Session::Close::kAfterReplies:
        SPDLOG_TRACE("<{} closing after the replies: {}", fd(), session_.close_reason());
        phase_ = Phase::kClosingAfterReplies;
        in_.begin = in_.end;  // nothing after `quit` is read
        return true;
      case protocol::Session::Close::kNo:
        break;
    }
    std::span<char> sink = session_.value_sink();
    if (!sink.empty()) {
      if (in_.empty()) break;
      // The session took the command line; the value's first bytes are already here.
      std::size_t n = std::min(sink.size(), in_.size());
      std::memcpy(sink.data(), in_.data.get() + in_.begin, n);
      session_.value_received(n);
      in_.begin += static_cast<std::uint32_t>(n);
      continue;
    }
    if (used == 0) break;  // the start of a command: wait for the rest
  }
  if (in_.empty()) in_.begin = in_.end = 0;
  // Before the replies go out: a client that has its answer sees this connection waiting.
  set_state(!session_.value_sink().empty() ? ConnectionState::kReadingValue : ConnectionState::kWaiting);
  return true;
}

bool Connection::flush() {
  if (tls_) return flush_tls();
  while (pending_output() > 0) {
    iovec iov[kMaxIovecs];
    const std::size_t pieces = out_->gather(iov, kMaxIovecs);
    // Most replies are one buffer (small values are copied in): send() skips the kernel's
    // copying in of a msghdr and its iovec array, a few percent of a request's CPU.
    ssize_t sent;
    if (pieces == 1) {
      sent = ::send(fd(), iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL | MSG_DONTWAIT);
    } else {
      msghdr message{};
      message.msg_iov = iov;
      message.msg_iovlen = pieces;
      sent = ::sendmsg(fd(), &message, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    if (sent > 0) {
      out_->consume(static_cast<std::size_t>(sent));
      services_.commands.bytes_written.add(static_cast<std::uint64_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;  // after_io() waits
    SPDLOG_DEBUG("<{} write failed: {}", fd(), std::strerror(errno));
    close();
    return false;
  }
  return true;
}

// Each SSL_write is at least one TLS record and one write to the socket, so the replies
// are gathered: the pieces at the head of the queue are copied into the worker's staging
// buffer (memcached's ssl_wbuf) until it is full, and written with one SSL_write. A head
// piece that is the only one, or at least as large as the staging buffer (a large value),
// is written from where it is instead: no copy before OpenSSL encrypts it.
//
// A write that would block is retried with the same bytes (OpenSSL has encrypted a
// record of them already): they are still the head of the queue, consumed only once
// written, and tls_retry_bytes_ says how many to offer again.
bool Connection::flush_tls() {
  const std::span<char> staging = services_.tls_write_buffer;
  while (pending_output() > 0) {
    iovec iov[kMaxIovecs];
    const std::size_t pieces = out_->gather(iov, kMaxIovecs);
    const auto* head = static_cast<const char*>(iov[0].iov_base);
    std::size_t size;
    if (tls_retry_bytes_ > 0) {
      size = tls_retry_bytes_;
    } else if (pieces == 1 || iov[0].iov_len >= staging.size()) {
      size = iov[0].iov_len;
    } else {
      size = 0;
      for (std::size_t i = 0; i < pieces && size < staging.size(); ++i) size += iov[i].iov_len;
      size = std::min(size, staging.size());
    }
    const char* data = head;
    if (iov[0].iov_len < size) {
      if (size > staging.size()) {  // cannot happen: a retried large write is still its head piece
        spdlog::error("<{} TLS write retry of {} bytes does not fit the staging buffer", fd(), size);
        close();
        return false;
      }
      std::size_t copied = 0;
      for (std::size_t i = 0; i < pieces && copied < size; ++i) {
        const std::size_t n = std::min(iov[i].iov_len, size - copied);
        std::memcpy(staging.data() + copied, iov[i].iov_base, n);
        copied += n;
      }
      data = staging.data();
    }
    const TlsSession::Result r = tls_->write(data, size);
    switch (r.status) {
      case TlsSession::Status::kOk:
        tls_retry_bytes_ = 0;
        out_->consume(r.bytes);
        services_.commands.bytes_written.add(r.bytes);
        continue;
      case TlsSession::Status::kWantWrite:
      case TlsSession::Status::kWantRead:  // no renegotiation: not expected, waited out alike
        tls_retry_bytes_ = size;
        return true;  // after_io() waits for writability
      case TlsSession::Status::kClosed:
      case TlsSession::Status::kFailed:
        break;
    }
    SPDLOG_DEBUG("<{} TLS write failed: {}", fd(), tls_->error());
    close();
    return false;
  }
  return true;
}

void Connection::after_io() {
  if (closed() || lingering()) return;
  if (phase_ == Phase::kClosingAfterReplies && pending_output() == 0) return close();
  // Draining answers every request already read, those a yield left buffered too.
  if (services_.draining && pending_output() == 0 && phase_ == Phase::kServing) return linger();
  update_interest();
  if (closed()) return;
  give_back_idle_memory();
  if (!interest_.write) {
    set_state(!session_.value_sink().empty() ? ConnectionState::kReadingValue : ConnectionState::kWaiting);
  }
}

void Connection::linger() {
  phase_ = Phase::kLingering;  // the first check only starts the quiet period
  if (tls_) {
    tls_->shutdown();  // close_notify before the FIN; what follows is read raw and dropped
    tls_wants_write_ = false;
  }
  if (::shutdown(fd(), SHUT_WR) != 0) return close();
  discard_input();
}

void Connection::discard_input() {
  char scratch[4096];
  for (;;) {
    const ssize_t n = ::read(fd(), scratch, sizeof scratch);
    if (n > 0) {
      phase_ = Phase::kLingering;  // heard from: the quiet period starts again
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return update_interest();
    return close();  // the client has ended (or the connection failed)
  }
}

void Connection::linger_check() {
  if (phase_ == Phase::kLingeringQuiet) return close();
  if (phase_ == Phase::kLingering) phase_ = Phase::kLingeringQuiet;
}

void Connection::give_back_idle_memory() {
  if (in_.held() && in_.empty() && !session_.mid_command() && session_.value_sink().empty()) {
    services_.buffers.give(in_);
  }
  if (out_ && out_->empty()) services_.output_queues.give(out_);
}

void Connection::drain() {
  if (closed()) return;
  if (phase_ == Phase::kHandshaking) return close();  // nothing asked, nothing to answer
  after_io();  // the worker is draining: wait only to write, or close when all is sent
}

void Connection::tick(storage::RelTime now, unsigned idle_timeout) {
  if (closed()) return;
  const storage::RelTime idle_for = now - last_command();
  if (phase_ == Phase::kHandshaking) {
    if (idle_for >= kHandshakeTimeout) handshake_failed("not complete in time");
    return;
  }
  const ConnectionState s = state();
  if (idle_timeout > 0 && idle_for > idle_timeout &&
      (s == ConnectionState::kWaiting || s == ConnectionState::kNewCommand)) {
    SPDLOG_DEBUG("<{} closing: idle for {} seconds", fd(), idle_for);
    close();
  }
}

void Connection::close() {
  if (closed()) return;
  phase_ = Phase::kClosed;
  set_state(ConnectionState::kClosing);
  SPDLOG_TRACE("<{} connection closed", fd());
  // Unlisted first: once `stats conns` cannot see it, the descriptor may go.
  services_.registry.remove(*this);
  if (turn_asked_) services_.poller.cancel_turn(*this);
  if (tls_) tls_->shutdown();  // close_notify, when the session is healthy and not yet ended
  ::close(fd());  // also takes it out of the poller's set
  services_.output_queues.give(out_);  // clears it: referenced values are let go
  if (in_.held()) {
    in_.begin = in_.end = 0;
    services_.buffers.give(in_);
  }
  services_.on_closed();
  delete_if_finished();
}

void Connection::delete_if_finished() {
  if (closed() && !in_handler_) delete this;
}

}  // namespace memstripe::server
