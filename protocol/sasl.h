// SASL, the binary protocol's authentication (memcached -S): one connection's exchange of
// mechanism data. The server implements it with Cyrus SASL (server/sasl_server.h); the
// protocol only carries the bytes.
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

// A connection's authentication: whether it must authenticate first (-S), whether it has.
struct AuthState {
  bool required = false;
  bool authenticated = false;
  bool sasl_started = false;           // a SASL_AUTH has begun an exchange
  std::unique_ptr<SaslSession> sasl;   // made at the connection's first SASL request

  bool allows_commands() const noexcept { return !required || authenticated; }
};

}  // namespace memstripe::protocol
