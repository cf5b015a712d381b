// Authentication: the binary protocol's SASL requests and the text protocol's token (-Y)
// against the connection's AuthState.
// memcached counts each exchange that ends in auth_cmds, and each that fails in
// auth_errors too; a failure leaves the connection open and unauthenticated.
#pragma once

#include <string_view>

#include "protocol/command_context.h"
#include "protocol/requests.h"
#include "protocol/sasl.h"

namespace memstripe::protocol {

class AuthCommands {
 public:
  explicit AuthCommands(CommandContext& context) noexcept : context_(context) {}

  // Empty when SASL cannot start.
  std::string_view mechanisms();
  SaslOutcome authenticate(const SaslAuthRequest& request);
  // -Y: true when the user and password are the file's; counted as memcached counts them.
  bool authenticate(const AsciiAuthRequest& request);

 private:
  SaslSession* session();

  CommandContext& context_;
};

}  // namespace memstripe::protocol
