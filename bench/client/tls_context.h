// The client side of TLS (memstripe-bench --tls): the settings a command line gives and
// the OpenSSL context every connection's session is made from. One context serves every
// connection and thread: OpenSSL lets sessions be created from a configured SSL_CTX
// concurrently, and loading the CA and certificate once keeps them out of the handshake's
// cost.
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;

namespace client {

struct TlsOptions {
  bool enabled = false;
  std::string ca_file;    // verify the server against this CA; empty: no verification
  std::string cert_file;  // a client certificate (with key_file), for ssl_verify_mode 2
  std::string key_file;
  std::string version;    // "1.2" or "1.3" pins it; empty: whatever both sides take
};

class TlsContext {
 public:
  // The context, or null with `error` saying what could not be loaded.
  static std::shared_ptr<const TlsContext> make(const TlsOptions& options, std::string& error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const noexcept { return ctx_; }
  bool verifies() const noexcept { return verify_; }

 private:
  TlsContext(ssl_ctx_st* ctx, bool verify) : ctx_(ctx), verify_(verify) {}
  ssl_ctx_st* ctx_;
  bool verify_;
};

}  // namespace client
