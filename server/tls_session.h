// One client connection's TLS, on its non-blocking socket: OpenSSL reads and writes the
// descriptor itself (through a socket BIO), and each call reports whether
// it would block on reading or on writing; the Connection then waits for that readiness in
// its worker's poller. Nothing here blocks, waits or keeps time.
//
// OpenSSL's error queue is per thread: every failure is read and cleared here, so the
// next connection served by the thread starts with an empty one (SSL_get_error needs it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

struct ssl_st;

namespace memstripe::server {

class TlsSession {
 public:
  enum class Status : std::uint8_t {
    kOk,
    kWantRead,   // call again once the socket is readable
    kWantWrite,  // call again once the socket is writable
    kClosed,     // the client ended the session (close_notify, or its end of the stream)
    kFailed,     // a protocol error or a socket failure: error() says which
  };
  struct Result {
    std::size_t bytes = 0;
    Status status = Status::kOk;
  };

  // Takes `ssl`, a server-side SSL not yet attached, and attaches it to `fd` (which the
  // caller keeps owning and closes): through OpenSSL's own socket BIO when the kernel is
  // to take the records over (`kernel_tls`), else through socket_bio.h's.
  TlsSession(ssl_st* ssl, int fd, bool kernel_tls) noexcept;
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // One step of the handshake: kOk once it is complete.
  Status handshake();
  bool established() const noexcept;
  // Plaintext from the client: at most `size` bytes, from one TLS record.
  Result read(char* data, std::size_t size);
  // Plaintext to the client. A kWantWrite (or kWantRead) must be retried with the same
  // bytes, and at least as many: OpenSSL has already encrypted a record of them (they may
  // come from another buffer). With partial writes on, a success may write fewer bytes.
  Result write(const char* data, std::size_t size);
  // Decrypted bytes, or bytes of a record, held inside OpenSSL: the socket will not say so.
  bool has_pending() const noexcept;
  // Sends close_notify (once), without waiting for the client's.
  void shutdown() noexcept;

  // The last failure, for the log: OpenSSL's words, or errno's.
  const std::string& error() const noexcept { return error_; }
  // "TLSv1.3 TLS_AES_256_GCM_SHA384", and whether the kernel encrypts (kernel TLS).
  std::string describe() const;

 private:
  Status status_of(int ret);

  ssl_st* ssl_;
  bool failed_ = false;  // after a fatal error OpenSSL must not be asked to shut down
  bool shut_down_ = false;
  std::string error_;
};

}  // namespace memstripe::server
