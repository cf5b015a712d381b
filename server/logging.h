// memstripe's log: spdlog's default logger, writing to stderr, a file (`logfile`, reopened
// on SIGHUP so that logrotate can move it) or syslog. -v and the `verbosity` command set
// its level: 0 startup and problems, 1 (-v) connection errors too, 2 (-vv) every
// connection opened and closed.
#pragma once

#include <string>

#include "server/options.h"

namespace memstripe::server {

// Returns an error message, or "" once the log is set up.
std::string setup_logging(const ServerOptions& options);
void apply_log_verbosity(int level);
// Reopens the log file, if logging to one; safe from any thread.
void reopen_log();
// The log file to hand over to the -u user, or "".
std::string log_file_path();

}  // namespace memstripe::server
