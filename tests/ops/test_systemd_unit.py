"""conf/memstripe.service: systemd accepts it, and its sandbox lets memstripe do its work.

No systemd runs here to start the unit, so the sandbox is checked from the other side:
memstripe runs with the unit's own command line, as an unprivileged user, under strace,
through a workload over TCP and the socket and a SIGTERM stop; every system call it makes
must pass the unit's SystemCallFilter=, and every file it opens must be reachable under
ProtectSystem=strict, ProtectHome= and PrivateDevices=."""

import os
import re
import shutil
import subprocess

import pytest

from harness import SOURCE_DIR, memstripe_binary
from launched import Launched
from systemd_unit import UNIT, allowed_syscalls, exec_start, settings, values

INSTALLED_BINARY = "/usr/local/bin/memstripe"
MISSING_BINARY = re.compile(
    r"^memstripe\.service: Command /usr/local/bin/memstripe is not executable: No such file or directory$")
# What PrivateDevices= leaves in /dev.
PRIVATE_DEVICES = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty"}
NOBODY = 65534


def verify(unit_path):
    result = subprocess.run(["systemd-analyze", "verify", unit_path], capture_output=True, text=True)
    return result.returncode, [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def test_unit_verifies_clean_but_for_the_binary_not_installed_here():
    code, lines = verify(UNIT)
    complaints = [line for line in lines if not MISSING_BINARY.match(line)]
    assert complaints == [], "\n".join(complaints)
    if os.path.exists(INSTALLED_BINARY):
        assert code == 0 and lines == []
    else:
        assert code != 0 and len(lines) == 1


def test_unit_verifies_clean_with_the_binary_in_place(tmp_path):
    # The same unit pointing at this build's binary: nothing left to complain about.
    with open(UNIT) as f:
        text = f.read()
    assert text.count(INSTALLED_BINARY) >= 1
    unit = tmp_path / "memstripe.service"
    unit.write_text(text.replace(INSTALLED_BINARY, memstripe_binary()))
    assert verify(str(unit)) == (0, [])


def test_unit_runs_the_daemon_in_the_foreground_as_an_unprivileged_user_with_a_sandbox():
    service = {k: v for s, k, v in settings() if s == "Service"}  # the last of a repeated key
    argv = exec_start()
    assert argv[0] == INSTALLED_BINARY
    assert "-d" not in argv and "--daemon" not in argv, "Type=exec supervises a foreground process"
    assert argv[argv.index("--config") + 1] == "/etc/memstripe.conf"
    assert os.path.dirname(argv[argv.index("-s") + 1]) == "/run/" + service["RuntimeDirectory"]
    # The memory file (-e) lives there too, kept across restarts of the service.
    assert os.path.dirname(argv[argv.index("-e") + 1]) == "/run/" + service["RuntimeDirectory"]
    assert service["RuntimeDirectoryPreserve"] == "yes"
    assert service["DynamicUser"] == "yes"
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "PrivateDevices": "yes", "MemoryDenyWriteExecute": "yes",
                       "CapabilityBoundingSet": "", "Restart": "on-failure",
                       "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX"}.items():
        assert service.get(key) == value, f"{key}={service.get(key)!r}"
    assert int(service["LimitNOFILE"]) > _config_connections()


def _config_connections():
    with open(os.path.join(SOURCE_DIR, "conf", "memstripe.conf")) as f:
        for line in f:
            words = line.split()
            if words[:1] == ["-c"]:
                return int(words[1])
    return 1024  # memcached's default


class TracedDaemon(Launched):
    """memstripe with the unit's ExecStart arguments, paths mapped into a private directory
    (copies of this build's binary and of conf/memstripe.conf), on an ephemeral port, under
    `strace -f`, as nobody when the test runs as root."""

    def __init__(self):
        directory = Launched.private_directory("memstripe-unit-", 0o777)  # nobody writes here
        self.trace = os.path.join(directory, "trace")
        argv = exec_start()
        # Installed copies, as the unit's install steps make them: nobody may not be able to
        # reach the build tree (a clone under /root, say).
        argv[0] = os.path.join(directory, "memstripe")
        shutil.copy(memstripe_binary(), argv[0])
        os.chmod(argv[0], 0o755)
        argv[argv.index("--config") + 1] = os.path.join(directory, "memstripe.conf")
        shutil.copy(os.path.join(SOURCE_DIR, "conf", "memstripe.conf"), os.path.join(directory, "memstripe.conf"))
        socket_path = os.path.join(directory, os.path.basename(argv[argv.index("-s") + 1]))
        argv[argv.index("-s") + 1] = socket_path
        argv[argv.index("-e") + 1] = os.path.join(directory, os.path.basename(argv[argv.index("-e") + 1]))
        argv += ["-p", "-1"]
        as_nobody = []
        if os.geteuid() == 0:
            as_nobody = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--no-new-privs"]
        super().__init__([*as_nobody, "strace", "-f", "-qq", "-o", self.trace, *argv], directory, socket_path)

    def daemon_pid(self):
        """strace's child: memstripe itself."""
        with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
            (pid,) = f.read().split()
        return int(pid)

    def syscalls(self):
        names = set()
        with open(self.trace) as f:
            for line in f:
                m = re.match(r"^\d+\s+([a-z0-9_]+)\(", line)
                if m:
                    names.add(m.group(1))
        return names

    def calls(self, name):
        """The argument text of every call to `name`."""
        with open(self.trace) as f:
            return [m.group(1) for m in (re.match(rf"^\d+\s+{name}\((.*)", line) for line in f) if m]

    def opened(self):
        """[(path, flags)] of every successful open."""
        out = []
        with open(self.trace) as f:
            for line in f:
                m = re.match(r'^\d+\s+open(?:at)?\((?:AT_FDCWD, )?"([^"]*)", ([A-Z_|]+).*\) = \d+', line)
                if m:
                    out.append((m.group(1), m.group(2)))
        return out


def exercise(daemon):
    """What a working cache does, on both transports: storage and retrieval, a large value,
    many connections at once, stats, errors. (The system calls are the connection's, not
    the command's: any command reads and writes the same way.)"""
    big = b"x" * (512 * 1024)
    for transport in ("tcp", "unix"):
        with daemon.connect(transport) as c:
            key = f"unit-{transport}"
            assert c.request(f"set {key} 5 0 5\r\nhello\r\n") == b"STORED\r\n"
            assert c.request(f"get {key}\r\n", b"END\r\n") == f"VALUE {key} 5 5\r\nhello\r\nEND\r\n".encode()
            assert c.request(f"append {key} 0 0 1\r\n!\r\n") == b"STORED\r\n"
            assert c.request(f"set n-{transport} 0 0 1\r\n7\r\nincr n-{transport} 5\r\n", b"12\r\n").endswith(b"12\r\n")
            assert c.request(f"touch {key} 100\r\n") == b"TOUCHED\r\n"
            c.send(f"set big-{transport} 0 0 {len(big)}\r\n".encode() + big + b"\r\n")
            assert c.read_line() == b"STORED\r\n"
            c.send(f"get big-{transport} {key}\r\n")
            assert c.read_reply().endswith(b"END\r\n")
            assert c.request(f"delete {key}\r\n") == b"DELETED\r\n"
            assert c.request("no-such-command\r\n") == b"ERROR\r\n"
            assert c.request("stats\r\n", b"END\r\n").startswith(b"STAT pid ")
            assert c.request("stats settings\r\n", b"END\r\n").startswith(b"STAT ")
            assert c.request("version\r\n").startswith(b"VERSION ")
    clients = [daemon.connect("tcp" if i % 2 else "unix") for i in range(50)]
    for c in clients:
        assert c.request("get nothing-here\r\n") == b"END\r\n"
    for c in clients:
        c.close()
    with daemon.connect("tcp") as c:
        assert c.request("flush_all\r\n") == b"OK\r\n"


@pytest.fixture
def traced_daemon():
    daemon = TracedDaemon()
    try:
        yield daemon.start()
    finally:
        daemon.cleanup()


def test_sandbox_allows_every_system_call_and_file_memstripe_uses(traced_daemon):
    exercise(traced_daemon)
    argv = exec_start()
    mode = os.stat(traced_daemon.socket_path).st_mode & 0o777
    assert mode == int(argv[argv.index("-a") + 1], 8), oct(mode)
    assert traced_daemon.stop() == 0, traced_daemon.output()

    used = traced_daemon.syscalls()
    assert {"execve", "bind", "listen", "accept4", "epoll_wait"} <= used, "the trace missed the server"
    denied = used - allowed_syscalls()
    assert denied == set(), f"SystemCallFilter= would refuse {sorted(denied)}"

    families = {args.split(",")[0] for args in traced_daemon.calls("socket")}
    assert families and families <= set(values("RestrictAddressFamilies")[0].split()), families
    for call in ("mmap", "mprotect"):
        for args in traced_daemon.calls(call):
            assert not ("PROT_WRITE" in args and "PROT_EXEC" in args), f"MemoryDenyWriteExecute= refuses {call}({args}"

    for path, flags in traced_daemon.opened():
        writes = any(f in flags for f in ("O_WRONLY", "O_RDWR", "O_CREAT"))
        if writes:
            # Only the test's port file: under ProtectSystem=strict nothing else is writable
            # but RuntimeDirectory= and LogsDirectory=.
            assert path.startswith(traced_daemon.dir + "/"), f"writes {path}"
        if path.startswith("/dev/"):
            assert path in PRIVATE_DEVICES, f"PrivateDevices= hides {path}"
        assert not path.startswith(("/home/", "/root/", "/run/user/")), f"ProtectHome= hides {path}"


def test_unit_sandbox_check_catches_a_forbidden_system_call(tmp_path):
    # The filter arithmetic itself: taking away a group memstripe needs must show up.
    with open(UNIT) as f:
        text = f.read()
    unit = tmp_path / "memstripe.service"
    unit.write_text(text + "\n[Service]\nSystemCallFilter=~@network-io\n")
    assert "accept4" in allowed_syscalls()
    assert "accept4" not in allowed_syscalls(str(unit))
    assert values("SystemCallErrorNumber") == ["EPERM"]
