// Process-level chores of a daemon: detaching, the pid file, dropping root, locking
// memory. Plain POSIX; each returns an error message, or "" on success.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace memstripe::server {

// Forks; the parent waits until the child calls daemon_ready() and exits 0 (or exits with
// the child's status if it dies first), so a shell or init script sees startup errors.
// The child starts a new session; its stdin and stdout go to /dev/null, and stderr too
// unless `keep_stderr` (memcached keeps it with -v). Call before starting any thread.
std::string daemonize(bool keep_stderr);
// The child tells the waiting parent that it serves.
void daemon_ready();

std::string write_pid_file(const std::string& path);

// SIGINT, SIGTERM, SIGUSR1 and SIGHUP are blocked in every thread from the start, and the
// server reads them from a signalfd instead: a supervisor may signal the moment the pid or
// port file appears, and that must stop the server cleanly, not kill it. A signal sent
// before the server reads stays pending until it does; no handler ever runs
// asynchronously. Call before starting any thread: threads inherit the mask.
void hold_signals();
// A non-blocking signalfd for the held signals; -1 on failure, with errno set.
int open_held_signals_fd();

bool running_as_root();

struct UserIdentity {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
};
// Looked up early, so that an unknown -u user is an error before anything else happens.
std::string find_user(const std::string& name, UserIdentity& user);
// Gives `paths` (socket, pid file, log) to `user`, then takes on its uid, gid and groups.
std::string drop_privileges(const UserIdentity& user, const std::vector<std::string>& paths);

std::string lock_all_memory();
// Raises the soft descriptor limit to `wanted` (memcached raises it to fit -c); returns a
// warning when the hard limit is lower, or "".
std::string raise_descriptor_limit(std::size_t wanted);
void raise_core_limit();

// `path` made absolute against the current directory (a daemon changes to /).
std::string absolute_path(const std::string& path);

}  // namespace memstripe::server
