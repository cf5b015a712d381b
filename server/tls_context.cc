#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace memstripe::server {
namespace {

// tls_options.h spells OpenSSL's numbers without its headers.
static_assert(kTlsVersion1_0 == TLS1_VERSION && kTlsVersion1_1 == TLS1_1_VERSION &&
              kTlsVersion1_2 == TLS1_2_VERSION && kTlsVersion1_3 == TLS1_3_VERSION);
static_assert(kVerifyPeer == SSL_VERIFY_PEER && kVerifyFailIfNoPeerCert == SSL_VERIFY_FAIL_IF_NO_PEER_CERT &&
              kVerifyClientOnce == SSL_VERIFY_CLIENT_ONCE);
static_assert(kKeyFormatPem == SSL_FILETYPE_PEM);

// memcached's SESSION_ID_CONTEXT. Set whatever the options: without one, a client that
// offers a session to a server verifying client certificates fails its handshake.
constexpr unsigned char kSessionIdContext[] = "memcached";

// The earliest error in the thread's queue, in OpenSSL's words (memcached's
// print_ssl_error()); the queue is emptied.
std::string take_openssl_error() {
  char text[256] = "";
  if (const unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
  ERR_clear_error();
  return text;
}

// memcached prints a path it was not given as glibc prints a null %s.
std::string shown(const std::string& path) { return path.empty() ? "(null)" : path; }

std::chrono::steady_clock::rep steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TlsContext::TlsContext(const TlsOptions& options) : options_(options) {}

TlsContext::~TlsContext() { SSL_CTX_free(current_); }

std::string TlsContext::build(SSL_CTX*& built) {
  built = nullptr;
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return "Error creating the TLS context: " + take_openssl_error();
  auto fail = [&](std::string message) {
    SSL_CTX_free(ctx);
    return message;
  };
  SSL_CTX_set_min_proto_version(ctx, options_.min_version);
  // memcached's checks, in its order and words (tls.c, load_server_certificates()).
  // OpenSSL refuses the paths memcached would pass as null; an empty one fails alike.
  if (SSL_CTX_use_certificate_chain_file(ctx, options_.chain_cert.c_str()) != 1) {
    return fail("Error loading the certificate chain: " + shown(options_.chain_cert) + " : " + take_openssl_error());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options_.key.c_str(), options_.key_format) != 1) {
    return fail("Error loading the key: " + shown(options_.key) + " : " + take_openssl_error());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return fail("Error validating the certificate: " + take_openssl_error());
  }
  if (options_.ca_cert) {
    if (SSL_CTX_load_verify_locations(ctx, options_.ca_cert->c_str(), nullptr) != 1) {
      return fail("Error loading the CA certificate: " + *options_.ca_cert + " : " + take_openssl_error());
    }
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(options_.ca_cert->c_str()));
  }
  SSL_CTX_set_verify(ctx, options_.verify_mode, nullptr);
  if (options_.ciphers && SSL_CTX_set_cipher_list(ctx, options_.ciphers->c_str()) != 1) {
    ERR_clear_error();
    return fail("Error setting the provided cipher(s): " + *options_.ciphers);
  }
  SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1);
  if (options_.session_cache) {
    SSL_CTX_set_app_data(ctx, this);
    SSL_CTX_sess_set_new_cb(ctx, &TlsContext::on_new_session);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
  } else {
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);  // tickets still resume
  }
  // Kernel TLS: OpenSSL hands the keys to the kernel after the handshake when the kernel
  // has the tls module, and quietly carries on in user space when it has not.
  if (options_.kernel_tls) SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);
  // No renegotiation (memcached neither); a client that closes without close_notify has
  // merely ended its stream: no cache reply can be cut short into another meaning.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // Idle connections hand their record buffers back (memcached too). Partial writes let a
  // large reply leave record by record; a retried write may come from another buffer
  // (the worker's staging buffer, or the value itself; see Connection::flush_tls()).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                            SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Without read-ahead OpenSSL reads a record's 5-byte header and then its body: two
  // recv() per request. With it, one recv() takes what has arrived (records it has not
  // decrypted yet show in has_pending()). Kernel TLS reception wants the socket's stream
  // untouched by OpenSSL's buffer, so with ssl_kernel_tls it stays off.
  if (!options_.kernel_tls) SSL_CTX_set_read_ahead(ctx, 1);
  built = ctx;
  return {};
}

std::string TlsContext::load() {
  std::lock_guard load_lock(load_mutex_);
  SSL_CTX* fresh = nullptr;
  if (std::string error = build(fresh); !error.empty()) return error;
  SSL_CTX* old;
  {
    std::lock_guard lock(current_mutex_);
    old = current_;
    current_ = fresh;
  }
  SSL_CTX_free(old);  // the sessions that use it hold references of their own
  loaded_at_.store(steady_seconds(), std::memory_order_relaxed);
  return {};
}

std::unique_ptr<TlsSession> TlsContext::new_session(int fd) {
  SSL* ssl;
  {
    std::lock_guard lock(current_mutex_);
    ssl = current_ != nullptr ? SSL_new(current_) : nullptr;
  }
  if (ssl == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  return std::make_unique<TlsSession>(ssl, fd, options_.kernel_tls);
}

int TlsContext::on_new_session(SSL* ssl, SSL_SESSION*) {
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (self != nullptr) self->new_sessions_.fetch_add(1, std::memory_order_relaxed);
  return 0;  // no reference kept: OpenSSL's own cache holds the session
}

TlsContext::Counters TlsContext::counters() const noexcept {
  Counters c;
  c.new_sessions = new_sessions_.load(std::memory_order_relaxed);
  c.handshake_errors = handshake_errors_.load(std::memory_order_relaxed);
  const auto since = steady_seconds() - loaded_at_.load(std::memory_order_relaxed);
  c.seconds_since_refresh = since > 0 ? static_cast<std::uint64_t>(since) : 0;
  return c;
}

void TlsContext::reset_counters() noexcept {
  new_sessions_.store(0, std::memory_order_relaxed);
  handshake_errors_.store(0, std::memory_order_relaxed);
}

}  // namespace memstripe::server
