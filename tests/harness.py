"""Starts real processes for the tests and the lab (bench/lab imports this module): memstripe,
or Debian's memcached as the reference peer (ServerProcess), and anything else a test puts
beside them (tests/ops/nutcracker_proxy.py, bench/lab's memstripe-floor) on the same
BackgroundProcess. Each server gets an ephemeral TCP port (``-p -1`` with
MEMCACHED_PORT_FILENAME, as memcached supports) and a UNIX socket in a private temporary
directory, and is ready when its port file appears: waiting on that condition, never on a
fixed sleep."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)


def memstripe_binary():
    """The binary under test: MEMSTRIPE_BIN (set by ctest for each build), else build/."""
    return os.environ.get("MEMSTRIPE_BIN") or os.path.join(SOURCE_DIR, "build", "memstripe")


def memcached_binary():
    return os.environ.get("MEMCACHED_BIN") or shutil.which("memcached") or "/usr/bin/memcached"


def wait_for(condition, timeout, what):
    """Polls `condition` until it returns a true value; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.005)


def free_port():
    """A loopback TCP port free a moment ago, for a program that cannot report an ephemeral
    one: another process may take it before the program binds it (see start_attempts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tcp_port_in(port_file):
    """The port of the first "TCP INET:" line of a MEMCACHED_PORT_FILENAME file; None while
    there is no such file or line."""
    try:
        with open(port_file) as f:
            for line in f:
                if line.startswith("TCP INET:"):
                    return int(line.split(":")[1])
    except FileNotFoundError:
        pass
    return None


def connect_socket(address, timeout=10):
    """A connected socket: address is (host, port) for TCP (Nagle off, as every memcached
    client turns it off) or a UNIX socket's path."""
    if isinstance(address, tuple):
        s = socket.create_connection(address, timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(timeout)
        s.connect(address)
    except OSError:
        s.close()
        raise
    return s


def accepts(address):
    """True when a connection to `address` (as connect_socket takes it) succeeds now."""
    try:
        connect_socket(address, timeout=1).close()
        return True
    except OSError:
        return False


class ExitedEarly(RuntimeError):
    """The process exited before it was ready."""


class BackgroundProcess:
    """One process started for a test or a measurement: in a session of its own (a signal
    meant for the test runner does not reach it), its output in a log in a private
    temporary directory, ready when ready() says so, a condition waited on.

    Subclasses give command() (the argv; `self.dir` exists when it is called), ready(), and
    environment() if the process needs more than ours. `wrapper` goes before the command
    (e.g. taskset, which execs the program: the pid stays the program's)."""

    # A start whose process exits before it is ready is tried this many times in all: for
    # programs given a free_port() that another process may take first.
    start_attempts = 1

    def __init__(self, name, wrapper=()):
        self.name = name
        self.wrapper = list(wrapper)
        self.dir = None
        self.proc = None
        self.args = None
        self.log_path = None

    def command(self):
        raise NotImplementedError

    def ready(self):
        raise NotImplementedError

    def environment(self):
        return dict(os.environ)

    # -- lifecycle -------------------------------------------------------------------
    def start(self, timeout=20):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix=f"{self.name}-test-")
        self.log_path = os.path.join(self.dir, "output.log")
        for attempt in range(self.start_attempts):
            self.args = self.wrapper + self.command()
            # Appended to: a program may open its log itself (nutcracker -o), and every
            # attempt's output stays.
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(self.args, stdout=log, stderr=subprocess.STDOUT,
                                             env=self.environment(), start_new_session=True)
            try:
                wait_for(self._up, timeout, f"{self.name} to listen")
                return self
            except ExitedEarly:
                if attempt == self.start_attempts - 1:
                    raise

    def _up(self):
        if self.proc.poll() is not None:
            raise ExitedEarly(f"{self.name} exited with {self.proc.returncode}: {self.log()}")
        return self.ready()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signals the process and waits for it; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode
        if self.dir and os.environ.get("MEMSTRIPE_KEEP_TEST_DIRS") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None
        self.proc = None
        return code

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def pid(self):
        return self.proc.pid

    def log(self):
        if self.log_path is None:
            return ""
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""


class ServerProcess(BackgroundProcess):
    """One server process. kind is "memstripe" or "memcached".

    tcp: serve TCP on an ephemeral port. unix: serve a UNIX socket. memcached cannot do
    both at once (``-s`` turns its TCP off); memstripe can.
    """

    def __init__(self, kind="memstripe", args=(), tcp=True, unix=True, binary=None, env=None,
                 debug_clock=True, wrapper=()):
        super().__init__(kind, wrapper)
        self.kind = kind
        self.binary = binary or (memstripe_binary() if kind == "memstripe" else memcached_binary())
        self.extra_args = list(args)
        self.want_tcp = tcp
        self.want_unix = unix
        self.extra_env = dict(env or {})
        self.debug_clock = debug_clock and kind == "memstripe"
        self.port = None
        self.unix_path = None

    def command(self):
        self.port = None
        args = [self.binary]
        if self.want_tcp:
            args += ["-p", "-1", "-l", "127.0.0.1"]
        else:
            args += ["-p", "0"]
        if self.want_unix:
            self.unix_path = os.path.join(self.dir, "server.sock")
            args += ["-s", self.unix_path]
        if self.kind == "memcached" and os.geteuid() == 0:
            args += ["-u", "root"]
        if self.debug_clock:
            args += ["-o", "debug_clock"]
        return args + self.extra_args

    def environment(self):
        env = dict(os.environ)
        env["MEMCACHED_PORT_FILENAME"] = os.path.join(self.dir, "port")
        env.update(self.extra_env)
        return env

    def ready(self):
        if self.want_tcp:
            # memstripe and memcached write the port file once every listener is up.
            self.port = tcp_port_in(os.path.join(self.dir, "port"))
            return self.port is not None and (not self.want_unix or os.path.exists(self.unix_path))
        return os.path.exists(self.unix_path) and accepts(self.unix_path)

    # -- clients ---------------------------------------------------------------------
    def address(self, transport):
        """What a client library takes: (host, port) for TCP, the path for the socket."""
        return ("127.0.0.1", self.port) if transport == "tcp" else self.unix_path

    def connect(self, transport, timeout=10):
        return RawClient(connect_socket(self.address(transport), timeout))

    @property
    def transports(self):
        """The transports served, TCP first."""
        return tuple(t for t, on in (("tcp", self.want_tcp), ("unix", self.want_unix)) if on)


class RawClient:
    """A raw protocol connection: send bytes, read exact replies."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("server closed the connection")
        self.buf += chunk

    def read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_until(self, terminator):
        if isinstance(terminator, str):
            terminator = terminator.encode()
        while terminator not in self.buf:
            self._fill()
        i = self.buf.index(terminator) + len(terminator)
        data, self.buf = self.buf[:i], self.buf[i:]
        return data

    def request(self, data, terminator=b"\r\n"):
        """Sends `data` and reads up to and including `terminator`."""
        self.send(data)
        return self.read_until(terminator)

    def read_reply(self):
        """One whole reply to a classic command: a line, or VALUE blocks up to END."""
        line = self.read_line()
        if not line.startswith(b"VALUE ") and not line.startswith(b"STAT "):
            return line
        out = line
        while True:
            if line.startswith(b"VALUE "):
                length = int(line.split()[3])
                out += self.read_exact(length + 2)
            line = self.read_line()
            out += line
            if line in (b"END\r\n",) or line.startswith((b"ERROR", b"CLIENT_ERROR", b"SERVER_ERROR")):
                return out

    def read_binary_until(self, opaque):
        """Binary protocol: every packet up to and including the first whose opaque (as
        sent, in network order) is `opaque`."""
        out = b""
        while True:
            header = self.read_exact(24)
            body = self.read_exact(int.from_bytes(header[8:12], "big"))
            out += header + body
            if int.from_bytes(header[12:16], "big") == opaque:
                return out

    def read_to_close(self, timeout=5):
        """Everything the server sends until it closes the connection."""
        assert self.closed_by_peer(timeout), "the server kept the connection open"
        data, self.buf = self.buf, b""
        return data

    def closed_by_peer(self, timeout=10):
        """True once the server has closed the connection (EOF), after any pending bytes."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    return True
                self.buf += chunk
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False
