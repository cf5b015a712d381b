"""Starts real servers for the integration tests: memstripe, or Debian's memcached as the
reference peer. Each server gets an ephemeral TCP port (``-p -1`` with
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


class ServerProcess:
    """One server process. kind is "memstripe" or "memcached".

    tcp: serve TCP on an ephemeral port. unix: serve a UNIX socket. memcached cannot do
    both at once (``-s`` turns its TCP off); memstripe can.
    """

    def __init__(self, kind="memstripe", args=(), tcp=True, unix=True, binary=None, env=None,
                 debug_clock=True):
        self.kind = kind
        self.binary = binary or (memstripe_binary() if kind == "memstripe" else memcached_binary())
        self.extra_args = list(args)
        self.want_tcp = tcp
        self.want_unix = unix
        self.extra_env = dict(env or {})
        self.debug_clock = debug_clock and kind == "memstripe"
        self.dir = None
        self.proc = None
        self.port = None
        self.unix_path = None
        self.log_path = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self, timeout=20):
        self.dir = tempfile.mkdtemp(prefix=f"{self.kind}-test-")
        port_file = os.path.join(self.dir, "port")
        self.log_path = os.path.join(self.dir, "server.log")
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
        args += self.extra_args
        env = dict(os.environ)
        env["MEMCACHED_PORT_FILENAME"] = port_file
        env.update(self.extra_env)
        self.args = args
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)

        def ready():
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}: {self.log()}")
            if self.want_tcp:
                if not os.path.exists(port_file):
                    return False
                with open(port_file) as f:
                    for line in f:
                        if line.startswith("TCP INET:"):
                            self.port = int(line.split(":")[1])
                return self.port is not None and (not self.want_unix or os.path.exists(self.unix_path))
            return os.path.exists(self.unix_path) and self._unix_accepts()

        wait_for(ready, timeout, f"{self.kind} to listen")
        return self

    def _unix_accepts(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.unix_path)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def stop(self, sig=signal.SIGTERM, timeout=20):
        """Signals the server and waits for it; returns its exit status."""
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
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    # -- clients ---------------------------------------------------------------------
    def address(self, transport):
        """What a client library takes: (host, port) for TCP, the path for the socket."""
        return ("127.0.0.1", self.port) if transport == "tcp" else self.unix_path

    def connect(self, transport, timeout=10):
        if transport == "tcp":
            s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(timeout)
            s.connect(self.unix_path)
        return RawClient(s)

    def transports(self):
        return [t for t, on in (("tcp", self.want_tcp), ("unix", self.want_unix)) if on]


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
