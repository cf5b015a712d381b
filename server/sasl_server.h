// SASL for the binary protocol (-S), with Cyrus SASL configured exactly as memcached 1.6.18
// configures it (sasl_defs.c): the application name "memcached", so its configuration is
// memcached.conf (mech_list, sasldb_path...) in the directory SASL_CONF_PATH names, or in
// /etc/sasl2; the user realm is this host's name; and memcached's own password file,
// MEMCACHED_SASL_PWDB ("user:password" lines), checks plain passwords when it is set.
#pragma once

#include <memory>

#include "protocol/sasl.h"

namespace memstripe::server {

class SaslServer {
 public:
  // Initialises Cyrus SASL for the process; throws std::runtime_error when it cannot.
  // `verbosity` decides which of its messages are logged, as memcached's -v does.
  explicit SaslServer(int verbosity);
  ~SaslServer();
  SaslServer(const SaslServer&) = delete;
  SaslServer& operator=(const SaslServer&) = delete;

  // One connection's exchange; null when Cyrus refuses to make one.
  std::unique_ptr<protocol::SaslSession> new_session() const;
};

}  // namespace memstripe::server
