"""Helpers for the server's integration tests: memstripe started with exactly the
arguments a test gives (none of the harness's defaults), what a process listens on, and
`stats` as a dict. Every wait here waits on a condition (tests/harness.py's wait_for)."""

import contextlib
import os
import signal
import subprocess

from harness import ServerProcess, memstripe_binary, wait_for

SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "WARNING: ThreadSanitizer", "runtime error:", "ERROR: LeakSanitizer")


def stop_cleanly(server):
    """Stops a harness ServerProcess with SIGTERM and checks that it exited 0 and that its
    log holds no sanitizer report (the sanitizer builds run these tests too)."""
    if server.proc is None:
        return
    server.proc.send_signal(signal.SIGTERM)
    try:
        code = server.proc.wait(30)
    except subprocess.TimeoutExpired:
        code = None
    log = server.log()
    server.stop()
    assert code == 0, f"memstripe exited with {code}:\n{log}"
    for report in SANITIZER_REPORTS:
        assert report not in log, log


@contextlib.contextmanager
def serving(args=(), **kwargs):
    """A harness memstripe (TCP on a free port and a UNIX socket), stopped cleanly after."""
    server = ServerProcess("memstripe", args=args, **kwargs).start()
    try:
        yield server
    except BaseException:
        server.stop()
        raise
    stop_cleanly(server)


def run_to_exit(args, timeout=20, env=None, cwd=None):
    """Runs memstripe with flags that make it exit (-h, a bad flag); returns the result."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([memstripe_binary(), *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, cwd=cwd)


class Started:
    """memstripe started with exactly `args`, its output in `directory`/server.log and
    MEMCACHED_PORT_FILENAME pointing at `directory`/port."""

    def __init__(self, args, directory, env=None):
        self.directory = str(directory)
        self.port_file = os.path.join(self.directory, "port")
        self.log_path = os.path.join(self.directory, "server.log")
        full_env = dict(os.environ)
        full_env["MEMCACHED_PORT_FILENAME"] = self.port_file
        full_env.update(env or {})
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([memstripe_binary(), *args], stdout=log, stderr=subprocess.STDOUT,
                                         env=full_env, start_new_session=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        running = self.proc.poll() is None
        code = self.stop()
        if running and exc_type is None:
            # Still serving when the test ended: it must stop cleanly.
            log = self.log()
            assert code == 0, f"memstripe exited with {code}:\n{log}"
            for report in SANITIZER_REPORTS:
                assert report not in log, log

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_until_listening(self, timeout=20):
        """Waits for the port file, which memstripe writes once every listener is up."""
        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"memstripe exited with {self.proc.returncode}: {self.log()}")
            return os.path.exists(self.port_file)
        wait_for(ready, timeout, "memstripe to listen")
        return self

    def tcp_ports(self):
        """The ports of the "TCP INET:" / "TCP INET6:" lines of the port file."""
        with open(self.port_file) as f:
            return [int(line.split(":")[1]) for line in f if line.startswith("TCP ")]

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def _socket_inodes(pid):
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    for name in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, name))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    return inodes


def tcp_listening_ports(pid):
    """The TCP ports process `pid` listens on (IPv4 and IPv6), from /proc."""
    inodes = _socket_inodes(pid)
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    local, state, inode = fields[1], fields[3], fields[9]
                    if state == "0A" and inode in inodes:  # 0A: LISTEN
                        ports.add(int(local.rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return ports


def stats(client, which=""):
    """`stats [which]` over a RawClient, as a dict of strings."""
    command = f"stats {which}".strip() + "\r\n"
    reply = client.request(command, b"END\r\n").decode()
    result = {}
    for line in reply.split("\r\n"):
        if line.startswith("STAT "):
            _, name, value = line.split(" ", 2)
            result[name] = value
    return result


def proc_status(pid):
    """/proc/PID/status as a dict."""
    result = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            result[name] = value.strip()
    return result
