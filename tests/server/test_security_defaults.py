"""Safe by default: TCP listens on 127.0.0.1 unless -l says otherwise; the UNIX socket is
made with the mode -a gives, never more open for a moment (the umask is narrowed around
bind(), even when the parent's umask is wide open); with -u the socket and pid file are
handed to the user before root is dropped, so that the server can still remove them at
exit; and no command reads or writes a file: memstripe has no command that names one, and
a trace of every file system call shows none while it serves every command there is.
(Running as root without -u warns in the log: test_daemon.py.)"""

import os
import pathlib
import pwd
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile

import pytest

from harness import memstripe_binary, wait_for
from server_helpers import SANITIZER_REPORTS, Started, proc_status


def listening_addresses(pid):
    """(family, address, port) of every TCP socket `pid` listens on, from /proc."""
    inodes = set()
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    found = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state != "0A" or inode not in inodes:  # 0A: LISTEN
                    continue
                address, port = local.split(":")
                raw = bytes.fromhex(address)
                # /proc prints each 32-bit word in host (little-endian) order.
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
                found.add((family, socket.inet_ntop(family, raw), int(port, 16)))
    return found


def test_tcp_listens_on_loopback_only_without_dash_l(tmp_path):
    with Started(["-p", "-1"], tmp_path) as server:
        server.wait_until_listening()
        [port] = server.tcp_ports()
        assert listening_addresses(server.proc.pid) == {(socket.AF_INET, "127.0.0.1", port)}


def test_dash_l_opens_tcp_to_the_interfaces_it_names(tmp_path):
    with Started(["-p", "-1", "-l", "0.0.0.0"], tmp_path) as server:
        server.wait_until_listening()
        [port] = server.tcp_ports()
        assert listening_addresses(server.proc.pid) == {(socket.AF_INET, "0.0.0.0", port)}


def wide_open_umask():
    os.umask(0)


@pytest.mark.parametrize("mask,mode", [("0600", 0o600), (None, 0o700)])
def test_the_socket_file_is_never_more_open_than_dash_a(tmp_path, mask, mode):
    path = str(tmp_path / "narrow.sock")
    args = [memstripe_binary(), "-s", path] + (["-a", mask] if mask else [])
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=wide_open_umask)
    try:
        # Looked at as soon as it exists: a chmod() after bind() would show a wider mode here.
        def appeared():
            assert proc.poll() is None
            try:
                return os.lstat(path)
            except FileNotFoundError:
                return None
        first = wait_for(appeared, 20, "the socket file")
        assert stat.S_ISSOCK(first.st_mode)
        assert stat.S_IMODE(first.st_mode) == mode
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0


def strace_available():
    if shutil.which("strace") is None:
        return False
    return subprocess.run(["strace", "-qq", "-e", "trace=none", "true"], capture_output=True).returncode == 0


needs_strace = pytest.mark.skipif(not strace_available(), reason="strace is missing or may not trace here")


class Traced:
    """memstripe under `strace -f`, every file system call (and umask, bind, chmod) logged."""

    def __init__(self, tmp_path, args):
        self.trace = tmp_path / "trace.txt"
        self.pid_file = tmp_path / "memstripe.pid"
        self.port_file = tmp_path / "port"
        # LeakSanitizer cannot work under ptrace and would fail the exit (ASan build).
        env = dict(os.environ, MEMCACHED_PORT_FILENAME=str(self.port_file),
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
        self.proc = subprocess.Popen(
            ["strace", "-f", "-qq", "-e", "trace=%file,umask,bind,chmod,fchmod,fchmodat", "-o", str(self.trace),
             memstripe_binary(), "-P", str(self.pid_file), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, preexec_fn=wide_open_umask)
        wait_for(lambda: self.port_file.exists() or self.proc.poll() is not None, 30, "memstripe to listen")
        assert self.proc.poll() is None, self.proc.stdout.read()
        self.pid = int(self.pid_file.read_text())

    def stop(self):
        os.kill(self.pid, signal.SIGTERM)
        code = self.proc.wait(30)
        output = self.proc.stdout.read().decode(errors="replace")
        for report in SANITIZER_REPORTS:
            assert report not in output, output
        return code

    def calls(self):
        # "PID name(args) = result".
        return [line.split(None, 1)[1] for line in self.trace.read_text().splitlines() if " " in line]


@needs_strace
def test_the_umask_narrows_around_bind_and_nothing_widens_the_socket_after(tmp_path):
    path = str(tmp_path / "traced.sock")
    traced = Traced(tmp_path, ["-s", path, "-a", "0600"])
    assert traced.stop() == 0
    calls = traced.calls()
    bind = next(i for i, c in enumerate(calls) if c.startswith("bind(") and path in c)
    assert calls[bind - 1].startswith("umask(0177)")
    assert calls[bind + 1].startswith("umask(")
    assert not [c for c in calls if "chmod" in c and path in c]


# Keys shaped like paths and shell commands: to memstripe they are only keys.
PATH_KEYS = [b"../../../../etc/passwd", b"/etc/shadow", b"%2e%2e%2f%2e%2e%2fetc", b"$(touch${IFS}/tmp/pwned)"]


def every_command():
    """One of each command memstripe knows (and some it refuses), over path-like keys."""
    out = []
    for key in PATH_KEYS:
        out += [b"set %s 0 0 4\r\ndata\r\n" % key, b"add %s 0 0 1\r\nx\r\n" % key, b"replace %s 0 0 1\r\ny\r\n" % key,
                b"append %s 0 0 1\r\nz\r\n" % key, b"prepend %s 0 0 1\r\nw\r\n" % key, b"cas %s 0 0 1 1\r\nv\r\n" % key,
                b"get %s\r\n" % key, b"gets %s\r\n" % key, b"gat 100 %s\r\n" % key, b"gats 100 %s\r\n" % key,
                b"touch %s 100\r\n" % key, b"incr %s 1\r\n" % key, b"decr %s 1\r\n" % key,
                b"mg %s v k t f c s\r\n" % key, b"ms %s 2 T0 F5\r\nhi\r\n" % key, b"ma %s N0 J1\r\n" % key,
                b"me %s\r\n" % key, b"md %s q\r\n" % key, b"delete %s\r\n" % key]
    for sub in (b"", b" settings", b" items", b"slabs", b" sizes", b" conns", b" detail dump", b" detail on",
                b" cachedump 1 10", b" reset", b" /etc/passwd"):
        out.append(b"stats%s\r\n" % sub)
    out += [b"lru_crawler metadump all\r\n", b"lru_crawler crawl all\r\n", b"lru tune 10 10 0.1 2.0\r\n",
            b"slabs automove 1\r\n", b"slabs reassign 1 2\r\n", b"watch fetchers\r\n", b"verbosity 2\r\n",
            b"verbosity 0\r\n", b"cache_memlimit 100\r\n", b"flush_all 0\r\n", b"shutdown\r\n", b"mn\r\n",
            b"version\r\n"]
    return b"".join(out)


@needs_strace
def test_no_command_reads_or_writes_a_file(tmp_path):
    sock = str(tmp_path / "files.sock")
    traced = Traced(tmp_path, ["-s", sock, "-p", "-1", "-l", "127.0.0.1"])
    port = int(re.search(r"TCP INET: (\d+)", traced.port_file.read_text()).group(1))
    for transport in ("tcp", "unix"):
        if transport == "tcp":
            s = socket.create_connection(("127.0.0.1", port), timeout=10)
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(sock)
        with s:
            s.sendall(every_command())
            received = b""
            while b"VERSION " not in received:  # the last command's reply
                chunk = s.recv(1 << 16)
                assert chunk
                received += chunk
    assert traced.stop() == 0
    assert not os.path.exists("/tmp/pwned")
    calls = traced.calls()
    ready = max(i for i, c in enumerate(calls) if c.startswith("rename(") and str(traced.port_file) in c)
    # The signal itself leaves no line (memstripe reads it from a signalfd); the stop
    # begins where it looks at its socket or pid file again, to remove them.
    stopping = next(i for i, c in enumerate(calls) if i > ready and (sock in c or str(traced.pid_file) in c))
    serving = [c for c in calls[ready + 1:stopping]
               if not c.startswith(("bind(", "umask(")) and not re.search(r'"/(proc|sys)/', c)]
    # /proc and /sys: a sanitizer's runtime reading its own process's figures.
    assert serving == []


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="-u applies to root")


@needs_root
def test_dash_u_hands_its_socket_and_pid_file_over_so_it_can_remove_them_at_exit(tmp_path):
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' here")
    # A sticky directory anyone may write to, like /tmp or /run/<service>: only a file's
    # owner may remove it, so a server that had not handed its files over could not.
    # (pytest's tmp_path sits in a directory only root may enter.)
    shared = pathlib.Path(tempfile.mkdtemp(prefix="memstripe-u-"))
    os.chmod(shared, 0o1777)
    sock = shared / "u.sock"
    pid_file = shared / "u.pid"
    try:
        run_as_nobody(tmp_path, nobody, sock, pid_file)
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def run_as_nobody(tmp_path, nobody, sock, pid_file):
    with Started(["-u", "nobody", "-s", str(sock), "-P", str(pid_file)], tmp_path) as server:
        server.wait_until_listening()
        wait_for(lambda: proc_status(server.proc.pid)["Uid"].split() == [str(nobody.pw_uid)] * 4, 10,
                 "the switch to nobody")
        assert os.stat(sock).st_uid == nobody.pw_uid
        assert os.stat(pid_file).st_uid == nobody.pw_uid
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(str(sock))
            s.sendall(b"version\r\n")
            assert s.recv(100).startswith(b"VERSION ")
        assert server.stop() == 0
    assert not sock.exists()
    assert not pid_file.exists()
