#include "client/tls_session.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>

#include "client/tls_context.h"

namespace client {

TlsSession::TlsSession(const TlsContext& context, int fd, const std::string& host)
    : ssl_(SSL_new(context.native())) {
  SSL_set_fd(ssl_, fd);
  SSL_set_connect_state(ssl_);
  if (context.verifies() && !host.empty()) {
    // The server's certificate must name the host as it was given: an address in its IP
    // SANs, a name in its DNS ones.
    in6_addr scratch;
    const bool is_address = inet_pton(AF_INET, host.c_str(), &scratch) == 1 ||
                            inet_pton(AF_INET6, host.c_str(), &scratch) == 1;
    if (is_address) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str());
    } else {
      SSL_set1_host(ssl_, host.c_str());
      SSL_set_tlsext_host_name(ssl_, host.c_str());
    }
  }
}

TlsSession::~TlsSession() { SSL_free(ssl_); }

TlsSession::Step TlsSession::step(int result, boost::system::error_code& ec) {
  switch (SSL_get_error(ssl_, result)) {
    case SSL_ERROR_NONE:
      return Step::kDone;
    case SSL_ERROR_WANT_READ:
      return Step::kWantRead;
    case SSL_ERROR_WANT_WRITE:
      return Step::kWantWrite;
    case SSL_ERROR_ZERO_RETURN:
      ec = boost::asio::error::eof;
      return Step::kFailed;
    case SSL_ERROR_SYSCALL:
      ERR_clear_error();
      ec = errno != 0 ? boost::system::error_code(errno, boost::system::system_category())
                      : boost::system::error_code(boost::asio::error::eof);
      return Step::kFailed;
    default: {
      const unsigned long code = ERR_get_error();
      ERR_clear_error();
      // OpenSSL 3 reports a peer that closes without close_notify as an SSL error even
      // with SSL_OP_IGNORE_UNEXPECTED_EOF on some paths: to a client it is the end.
      ec = code != 0 ? boost::system::error_code(static_cast<int>(code), boost::asio::error::get_ssl_category())
                     : boost::system::error_code(boost::asio::error::eof);
      return Step::kFailed;
    }
  }
}

TlsSession::Step TlsSession::handshake(boost::system::error_code& ec) {
  errno = 0;
  return step(SSL_do_handshake(ssl_), ec);
}

TlsSession::Step TlsSession::read(void* into, std::size_t size, std::size_t& n, boost::system::error_code& ec) {
  n = 0;
  errno = 0;
  const int result = SSL_read_ex(ssl_, into, size, &n);
  return step(result == 1 ? 1 : 0, ec);
}

TlsSession::Step TlsSession::write(const void* from, std::size_t size, std::size_t& n,
                                   boost::system::error_code& ec) {
  n = 0;
  if (size == 0) return Step::kDone;
  errno = 0;
  const int result = SSL_write_ex(ssl_, from, size, &n);
  return step(result == 1 ? 1 : 0, ec);
}

void TlsSession::shutdown() noexcept {
  if (SSL_is_init_finished(ssl_)) SSL_shutdown(ssl_);
  ERR_clear_error();
}

}  // namespace client
