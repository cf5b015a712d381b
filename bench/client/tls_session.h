// One connection's TLS session, over a connected non-blocking socket's descriptor: the
// handshake, reads and writes as OpenSSL does them without blocking. Each step either
// completes or says which readiness of the socket it waits for; Transport does the waiting
// on its event loop. OpenSSL reads and writes the descriptor itself (no memory BIO), so a
// write that the kernel takes needs no trip through the reactor, as a plain socket's.
#pragma once

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <string>

struct ssl_st;

namespace client {

class TlsContext;

class TlsSession {
 public:
  enum class Step : unsigned char { kDone, kWantRead, kWantWrite, kFailed };

  // A client session on `fd`, checking the server's certificate names `host` when the
  // context verifies.
  TlsSession(const TlsContext& context, int fd, const std::string& host);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  Step handshake(boost::system::error_code& ec);
  // Bytes moved in `n` when kDone; a read's end of stream is kFailed with error::eof.
  Step read(void* into, std::size_t size, std::size_t& n, boost::system::error_code& ec);
  Step write(const void* from, std::size_t size, std::size_t& n, boost::system::error_code& ec);
  // Sends close_notify if the socket takes it now; never waits.
  void shutdown() noexcept;

 private:
  Step step(int result, boost::system::error_code& ec);
  ssl_st* ssl_;
};

}  // namespace client
