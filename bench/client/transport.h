// A connection's byte stream to a server: what both clients read and write through. A
// plain socket, TCP or UNIX (Asio's generic stream), or over TCP a TLS session on it
// (use_tls): then connect and async_connect include the handshake, and reads and writes go
// through OpenSSL on the socket's descriptor, waiting on the event loop for the readiness
// OpenSSL asks for. The clients use only these members, so neither knows which it has.
// Handlers pass through as they are, without type erasure: an operation allocates nothing
// beyond what Asio recycles.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/endpoint.h"
#include "client/tls_context.h"
#include "client/tls_session.h"

namespace client {

class Transport {
 public:
  explicit Transport(boost::asio::io_context& io) : socket_(io) {}

  // Every later connect speaks TLS from `context` (null: plaintext again), checking that
  // the server's certificate names `host`. For TCP only: the UNIX socket stays plaintext.
  void use_tls(std::shared_ptr<const TlsContext> context, std::string host);
  bool tls() const noexcept { return tls_context_ != nullptr; }

  // Connects now, blocking. Then Nagle is off (over TCP) and the socket does not block, so
  // that try_write never waits.
  boost::system::error_code connect(const SocketAddress& address);
  // Connects on the event loop; handler(error_code). A closed transport connects again.
  template <typename Handler>
  void async_connect(const SocketAddress& address, Handler&& handler) {
    socket_.async_connect(address, [this, family = address.protocol().family(),
                                    h = std::forward<Handler>(handler)](boost::system::error_code ec) mutable {
      if (!ec) ec = connected(family);
      if (ec || !tls_context_) return h(ec);
      start_session();
      tls_handshake(std::move(h));
    });
  }

  // Writes what the kernel takes now, without waiting: the bytes taken, 0 when it would
  // block (a transport that cannot write in place, as TLS may not, takes 0 and the caller
  // goes through async_write).
  std::size_t try_write(boost::asio::const_buffer bytes, boost::system::error_code& ec);
  // Writes all of `buffers` (a buffer or a sequence of them) on the event loop;
  // handler(error_code, bytes written).
  template <typename Buffers, typename Handler>
  void async_write(const Buffers& buffers, Handler&& handler) {
    if (!session_) return boost::asio::async_write(socket_, buffers, std::forward<Handler>(handler));
    // OpenSSL writes one buffer at a time: gather them (a TLS write encrypts every byte
    // anyway, so the copy is the lesser cost).
    tls_out_.resize(boost::asio::buffer_size(buffers));
    boost::asio::buffer_copy(boost::asio::buffer(tls_out_), buffers);
    tls_out_done_ = 0;
    tls_write(std::forward<Handler>(handler), false);
  }
  // Reads what has arrived, at least a byte, into `into`; handler(error_code, bytes read).
  template <typename Handler>
  void async_read_some(boost::asio::mutable_buffer into, Handler&& handler) {
    if (!session_) return socket_.async_read_some(into, std::forward<Handler>(handler));
    tls_read(into, std::forward<Handler>(handler), false);
  }

  // Ends the operations in progress (their handlers get operation_aborted); the
  // connection stays up for the next ones.
  void cancel() noexcept;
  void close() noexcept;

 private:
  boost::system::error_code connected(int family);
  void start_session();

  // Waits for the readiness `step` asks for, then calls `again()`; a failed wait goes to
  // `failed(ec)`.
  template <typename Again, typename Failed>
  void wait_for(TlsSession::Step step, Again&& again, Failed&& failed) {
    const auto what = step == TlsSession::Step::kWantRead ? boost::asio::socket_base::wait_read
                                                         : boost::asio::socket_base::wait_write;
    socket_.async_wait(what, [again = std::forward<Again>(again), failed = std::forward<Failed>(failed)](
                                 const boost::system::error_code& ec) mutable {
      if (ec) return failed(ec);
      again();
    });
  }

  template <typename Handler>
  void tls_handshake(Handler&& handler) {
    boost::system::error_code ec;
    const TlsSession::Step step = session_->handshake(ec);
    if (step == TlsSession::Step::kDone || step == TlsSession::Step::kFailed) return handler(ec);
    wait_for(
        step, [this, h = handler]() mutable { tls_handshake(std::move(h)); },
        [h = std::move(handler)](const boost::system::error_code& e) mutable { h(e); });
  }

  // `deferred`: called from an event loop's completion, so the handler may run at once;
  // else (from the initiating call) it is posted, as Asio's own operations never complete
  // inside the call that starts them.
  template <typename Handler>
  void tls_write(Handler&& handler, bool deferred) {
    boost::system::error_code ec;
    TlsSession::Step step = TlsSession::Step::kDone;
    while (tls_out_done_ < tls_out_.size()) {
      std::size_t n = 0;
      step = session_->write(tls_out_.data() + tls_out_done_, tls_out_.size() - tls_out_done_, n, ec);
      if (step != TlsSession::Step::kDone) break;
      tls_out_done_ += n;
    }
    if (step == TlsSession::Step::kWantRead || step == TlsSession::Step::kWantWrite) {
      // Each continuation holds a copy of the handler (the clients' handlers hold a
      // pointer): only one of them runs.
      return wait_for(
          step, [this, h = handler]() mutable { tls_write(std::move(h), true); },
          [this, h = std::move(handler)](const boost::system::error_code& e) mutable { h(e, tls_out_done_); });
    }
    complete(std::forward<Handler>(handler), deferred, ec, tls_out_done_);
  }

  template <typename Handler>
  void tls_read(boost::asio::mutable_buffer into, Handler&& handler, bool deferred) {
    boost::system::error_code ec;
    std::size_t n = 0;
    const TlsSession::Step step = session_->read(into.data(), into.size(), n, ec);
    if (step == TlsSession::Step::kWantRead || step == TlsSession::Step::kWantWrite) {
      return wait_for(
          step, [this, into, h = handler]() mutable { tls_read(into, std::move(h), true); },
          [h = std::move(handler)](const boost::system::error_code& e) mutable { h(e, std::size_t{0}); });
    }
    complete(std::forward<Handler>(handler), deferred, ec, n);
  }

  template <typename Handler>
  void complete(Handler&& handler, bool deferred, boost::system::error_code ec, std::size_t n) {
    if (deferred) return handler(ec, n);
    boost::asio::post(socket_.get_executor(),
                      [h = std::forward<Handler>(handler), ec, n]() mutable { h(ec, n); });
  }

  boost::asio::generic::stream_protocol::socket socket_;
  std::shared_ptr<const TlsContext> tls_context_;
  std::string tls_host_;
  std::optional<TlsSession> session_;
  std::vector<char> tls_out_;  // an async_write's bytes (OpenSSL retries from the same)
  std::size_t tls_out_done_ = 0;
};

}  // namespace client
