#include "server/daemon.h"

#include <fcntl.h>
#include <pthread.h>
#include <grp.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace memstripe::server {
namespace {

int g_ready_fd = -1;  // the child's end of the pipe its parent waits on

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string daemonize(bool keep_stderr) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return errno_text("memstripe: pipe");
  pid_t pid = ::fork();
  if (pid < 0) return errno_text("memstripe: fork");
  if (pid > 0) {
    ::close(pipe_fds[1]);
    char byte;
    ssize_t n;
    do {
      n = ::read(pipe_fds[0], &byte, 1);
    } while (n < 0 && errno == EINTR);
    if (n == 1) ::_exit(0);
    // The child died before it was ready: pass its status on.
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
  }
  ::close(pipe_fds[0]);
  g_ready_fd = pipe_fds[1];
  if (::setsid() < 0) return errno_text("memstripe: setsid");
  if (::chdir("/") != 0) return errno_text("memstripe: chdir /");
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0) return errno_text("memstripe: /dev/null");
  ::dup2(null_fd, STDIN_FILENO);
  ::dup2(null_fd, STDOUT_FILENO);
  if (!keep_stderr) ::dup2(null_fd, STDERR_FILENO);
  ::close(null_fd);
  return {};
}

void daemon_ready() {
  if (g_ready_fd < 0) return;
  char byte = 1;
  while (::write(g_ready_fd, &byte, 1) < 0 && errno == EINTR) {
  }
  ::close(g_ready_fd);
  g_ready_fd = -1;
}

namespace {

sigset_t held_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGUSR1, SIGHUP}) sigaddset(&set, sig);
  return set;
}

}  // namespace

void hold_signals() {
  sigset_t set = held_signals();
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int open_held_signals_fd() {
  sigset_t set = held_signals();
  return ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

std::string write_pid_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return errno_text("memstripe: cannot write the pid file " + path);
  std::fprintf(f, "%ld\n", static_cast<long>(::getpid()));
  if (std::fclose(f) != 0) return errno_text("memstripe: cannot write the pid file " + path);
  return {};
}

bool running_as_root() { return ::getuid() == 0 || ::geteuid() == 0; }

std::string find_user(const std::string& name, UserIdentity& user) {
  passwd* pw = ::getpwnam(name.c_str());
  if (!pw) return "memstripe: can't find the user " + name + " to switch to";
  user.name = pw->pw_name;
  user.uid = pw->pw_uid;
  user.gid = pw->pw_gid;
  return {};
}

std::string drop_privileges(const UserIdentity& user, const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (!path.empty() && ::chown(path.c_str(), user.uid, user.gid) != 0) {
      return errno_text("memstripe: cannot hand " + path + " to " + user.name);
    }
  }
  if (::initgroups(user.name.c_str(), user.gid) != 0) return errno_text("memstripe: initgroups");
  if (::setgid(user.gid) != 0) return errno_text("memstripe: setgid");
  if (::setuid(user.uid) != 0) return errno_text("memstripe: setuid");
  return {};
}

std::string lock_all_memory() {
  // MCL_ONFAULT: pages are locked as they are first touched. Without it every future
  // mapping is filled at once, and the cache reserves address space for its largest
  // possible limit up front (16 GiB, untouched): locking that would take all the memory.
  if (::mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0) {
    return errno_text("warning: -k invalid, mlockall() failed");
  }
  return {};
}

std::string raise_descriptor_limit(std::size_t wanted) {
  rlimit limit;
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return errno_text("memstripe: getrlimit");
  if (limit.rlim_cur >= wanted) return {};
  rlim_t target = wanted;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < target) target = limit.rlim_max;
  limit.rlim_cur = target;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return errno_text("memstripe: setrlimit");
  if (target < wanted) {
    return "the descriptor limit (" + std::to_string(target) + ") is below what -c needs (" + std::to_string(wanted) +
           "): clients beyond it wait in the listen backlog";
  }
  return {};
}

void raise_core_limit() {
  rlimit limit;
  if (::getrlimit(RLIMIT_CORE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_CORE, &limit);
  }
}

std::string absolute_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) return path;
  return std::string(cwd) + "/" + path;
}

}  // namespace memstripe::server
