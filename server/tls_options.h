// -Z and its -o ssl_* settings, with memcached 1.6.18's names and defaults. The numbers
// are OpenSSL's own (tls_context.cc checks them against its headers), kept as plain ints
// here so that option parsing and `stats settings` need no OpenSSL: memcached prints the
// raw values (ssl_verify_mode=2 shows as 3, the PEM key format as 1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace memstripe::server {

// TLS1_VERSION ... TLS1_3_VERSION.
inline constexpr int kTlsVersion1_0 = 0x0301;
inline constexpr int kTlsVersion1_1 = 0x0302;
inline constexpr int kTlsVersion1_2 = 0x0303;
inline constexpr int kTlsVersion1_3 = 0x0304;
// SSL_VERIFY_PEER, SSL_VERIFY_FAIL_IF_NO_PEER_CERT, SSL_VERIFY_CLIENT_ONCE.
inline constexpr int kVerifyPeer = 0x01;
inline constexpr int kVerifyFailIfNoPeerCert = 0x02;
inline constexpr int kVerifyClientOnce = 0x04;
// SSL_FILETYPE_PEM.
inline constexpr int kKeyFormatPem = 1;
// memcached's ssl_wbuf_size default: one TLS record's worth of plaintext.
inline constexpr unsigned kDefaultTlsWriteBuffer = 16 * 1024;
// memstripe's bound on ssl_wbuf_size (memcached has none, and 0 would send nothing).
inline constexpr unsigned kMaxTlsWriteBufferKb = 64 * 1024;

struct TlsOptions {
  bool enabled = false;     // -Z / --enable-ssl
  std::string chain_cert;   // ssl_chain_cert; empty: not given
  std::string key;          // ssl_key
  int verify_mode = 0;      // ssl_verify_mode as OpenSSL's flag bits
  int key_format = kKeyFormatPem;
  std::optional<std::string> ciphers;  // ssl_ciphers (TLS 1.2 and below)
  std::optional<std::string> ca_cert;  // ssl_ca_cert: the client CAs accepted
  unsigned write_buffer = kDefaultTlsWriteBuffer;  // ssl_wbuf_size, in bytes
  bool session_cache = false;  // ssl_session_cache
  bool kernel_tls = false;     // ssl_kernel_tls
  int min_version = kTlsVersion1_2;  // ssl_min_version
};

// memcached's ssl_proto_text(): "tlsv1.2" and so on, "unknown" for anything else.
std::string_view tls_version_name(int version) noexcept;

}  // namespace memstripe::server
