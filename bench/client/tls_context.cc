#include "client/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <csignal>

namespace client {

namespace {
std::string openssl_error(const std::string& what) {
  char text[256] = "unknown error";
  if (const unsigned long code = ERR_get_error()) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return what + ": " + text;
}
}  // namespace

std::shared_ptr<const TlsContext> TlsContext::make(const TlsOptions& options, std::string& error) {
  // OpenSSL writes the socket with write(2), not send(MSG_NOSIGNAL) as Asio does: a server
  // that hangs up must cost an error, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) {
    error = openssl_error("cannot make a TLS context");
    return nullptr;
  }
  std::shared_ptr<const TlsContext> result(new TlsContext(ctx, !options.ca_file.empty()));
  // Each connection is a new session: no resumption, so --connection-per-request measures
  // full handshakes.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // A write that would block is retried from the caller's copy of the same bytes.
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_RELEASE_BUFFERS);
  if (options.version == "1.2") {
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
  } else if (options.version == "1.3") {
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
  }
  if (!options.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1) {
      error = openssl_error("cannot load the CA " + options.ca_file);
      return nullptr;
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  if (!options.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
      error = openssl_error("cannot load the certificate " + options.cert_file);
      return nullptr;
    }
    const std::string& key = options.key_file.empty() ? options.cert_file : options.key_file;
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      error = openssl_error("cannot load the key " + key);
      return nullptr;
    }
  }
  return result;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace client
