#include "server/tls_session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

#include "server/socket_bio.h"

namespace memstripe::server {

TlsSession::TlsSession(ssl_st* ssl, int fd, bool kernel_tls) noexcept : ssl_(ssl) {
  BIO* bio = kernel_tls ? nullptr : new_socket_bio(fd);
  if (bio != nullptr) {
    SSL_set_bio(ssl_, bio, bio);  // one reference, for both directions
  } else {
    SSL_set_fd(ssl_, fd);  // OpenSSL's socket BIO, which does not close the descriptor either
  }
  SSL_set_accept_state(ssl_);
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

TlsSession::Status TlsSession::handshake() {
  const int ret = SSL_do_handshake(ssl_);
  return ret == 1 ? Status::kOk : status_of(ret);
}

bool TlsSession::established() const noexcept { return SSL_is_init_finished(ssl_) == 1; }

TlsSession::Result TlsSession::read(char* data, std::size_t size) {
  std::size_t n = 0;
  if (SSL_read_ex(ssl_, data, size, &n) == 1) return {n, Status::kOk};
  return {0, status_of(0)};
}

TlsSession::Result TlsSession::write(const char* data, std::size_t size) {
  std::size_t n = 0;
  if (SSL_write_ex(ssl_, data, size, &n) == 1) return {n, Status::kOk};
  return {0, status_of(0)};
}

bool TlsSession::has_pending() const noexcept { return SSL_has_pending(ssl_) == 1; }

void TlsSession::shutdown() noexcept {
  if (shut_down_ || failed_ || !established()) return;
  shut_down_ = true;
  // One attempt: on a full socket the alert is dropped, and the connection closes anyway.
  if (SSL_shutdown(ssl_) < 0) ERR_clear_error();
}

std::string TlsSession::describe() const {
  std::string text = SSL_get_version(ssl_);
  text += ' ';
  text += SSL_get_cipher_name(ssl_);
  BIO* bio = SSL_get_wbio(ssl_);
  text += BIO_get_ktls_send(bio) ? ", kernel TLS send" : ", no kernel TLS send";
  text += BIO_get_ktls_recv(SSL_get_rbio(ssl_)) ? ", kernel TLS receive" : "";
  return text;
}

TlsSession::Status TlsSession::status_of(int ret) {
  const int saved_errno = errno;
  switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
      return Status::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Status::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      return Status::kClosed;
    case SSL_ERROR_SYSCALL:
      failed_ = true;
      if (ERR_peek_error() == 0) {
        // No OpenSSL error: the socket failed, or ended (errno 0) where OpenSSL did not
        // expect it to (SSL_OP_IGNORE_UNEXPECTED_EOF makes that kClosed after a handshake).
        error_ = saved_errno != 0 ? std::strerror(saved_errno) : "the client closed the connection";
        return saved_errno != 0 ? Status::kFailed : Status::kClosed;
      }
      break;
    default:
      failed_ = true;
      break;
  }
  char text[256];
  const unsigned long code = ERR_get_error();
  if (code != 0) {
    ERR_error_string_n(code, text, sizeof text);
    error_ = text;
  } else if (error_.empty()) {
    error_ = "TLS failure";
  }
  ERR_clear_error();
  return Status::kFailed;
}

}  // namespace memstripe::server
