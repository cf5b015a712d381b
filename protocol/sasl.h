// Authentication. SASL is the binary protocol's (memcached -S): one connection's exchange
// of mechanism data, which the server implements with Cyrus SASL (server/sasl_server.h);
// the protocol only carries the bytes. The text protocol's is memcached's ASCII
// authentication (-Y): a `set` whose value is "user password", checked by the server
// against its password file (ServerContext::check_credentials()).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace memstripe::protocol {

struct SaslOutcome {
  enum class Status : std::uint8_t {
    kAuthenticated,
    kContinue,  // the mechanism sends `data` back as a challenge
    kFailed,
  };
  Status status = Status::kFailed;
  std::string_view data;  // valid until the session's next call
};

class SaslSession {
 public:
  virtual ~SaslSession() = default;
  // The mechanisms offered, separated by spaces ("CRAM-MD5 PLAIN"); empty on failure.
  virtual std::string_view mechanisms() = 0;
  virtual SaslOutcome start(std::string_view mechanism, std::string_view data) = 0;
  virtual SaslOutcome step(std::string_view data) = 0;
};

// A connection's authentication: how it must authenticate first (-S for the binary
// protocol, -Y for the text one), and whether it has.
struct AuthState {
  enum class Method : std::uint8_t { kNone, kSasl, kAsciiToken };
  Method method = Method::kNone;
  bool authenticated = false;
  bool sasl_started = false;           // a SASL_AUTH has begun an exchange
  std::unique_ptr<SaslSession> sasl;   // made at the connection's first SASL request

  bool allows_commands() const noexcept { return method == Method::kNone || authenticated; }
  bool must_authenticate(Method m) const noexcept { return method == m && !authenticated; }
};

}  // namespace memstripe::protocol
