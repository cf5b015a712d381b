#include "protocol/auth_commands.h"

namespace memstripe::protocol {

SaslSession* AuthCommands::session() {
  AuthState& auth = context_.auth;
  if (!auth.sasl) auth.sasl = context_.server.new_sasl_session();
  return auth.sasl.get();
}

// memcached (re)starts a connection's SASL state for each of these requests, so each
// leaves the connection unauthenticated until it succeeds.
std::string_view AuthCommands::mechanisms() {
  context_.auth.authenticated = false;
  SaslSession* sasl = session();
  return sasl ? sasl->mechanisms() : std::string_view{};
}

SaslOutcome AuthCommands::authenticate(const SaslAuthRequest& request) {
  AuthState& auth = context_.auth;
  auth.authenticated = false;
  SaslOutcome outcome;
  SaslSession* sasl = session();
  if (sasl != nullptr) {
    if (!request.step) {
      outcome = sasl->start(request.mechanism, request.data);
      auth.sasl_started = outcome.status != SaslOutcome::Status::kFailed;
    } else if (auth.sasl_started) {
      outcome = sasl->step(request.data);
    }  // a step before any start fails
  }
  switch (outcome.status) {
    case SaslOutcome::Status::kAuthenticated:
      auth.authenticated = true;
      context_.stats.auth_cmds.add();
      break;
    case SaslOutcome::Status::kContinue: break;
    case SaslOutcome::Status::kFailed:
      context_.stats.auth_cmds.add();
      context_.stats.auth_errors.add();
      break;
  }
  return outcome;
}

bool AuthCommands::authenticate(const AsciiAuthRequest& request) {
  const bool ok = context_.server.check_credentials(request.user, request.password);
  context_.auth.authenticated = ok;
  context_.stats.auth_cmds.add();
  if (!ok) context_.stats.auth_errors.add();
  return ok;
}

}  // namespace memstripe::protocol
