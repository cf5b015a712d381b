"""The servers the client suites talk to, and the tests' own raw view of them.

The server under test is memstripe. MEMSTRIPE_CLIENTS_AGAINST=memcached runs the same
suites against Debian's memcached instead, as the reference: a suite that fails there is
testing something memcached does not do. memcached cannot serve TCP and a UNIX socket at
once, so it gets one process per transport, and tests that need memstripe's extras (one
store seen over both transports, the debug clock) skip themselves.
"""

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from binary_frames import frame, parse  # noqa: E402
from harness import ServerProcess  # noqa: E402

KIND = os.environ.get("MEMSTRIPE_CLIENTS_AGAINST", "memstripe")
if KIND not in ("memstripe", "memcached"):
    raise RuntimeError(f"MEMSTRIPE_CLIENTS_AGAINST must be memstripe or memcached, not {KIND!r}")


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str


# The SASL user every suite authenticates as. It lives in a sasldb (Debian's memcached
# reads only that, not MEMCACHED_SASL_PWDB), which serves both PLAIN and CRAM-MD5.
SASL_USER = Credentials("alice", "s3cret-pass")


def write_sasl_config(directory):
    """memcached's SASL configuration in `directory`: memcached.conf (PLAIN and CRAM-MD5
    over a sasldb holding SASL_USER). Returns the environment a server started with -S
    needs; memcached and memstripe read the same."""
    assert shutil.which("saslpasswd2"), "saslpasswd2 (sasl2-bin) is installed by make deps"
    sasldb = os.path.join(directory, "memcached.sasldb")
    subprocess.run(["saslpasswd2", "-p", "-a", "memcached", "-c", "-f", sasldb, SASL_USER.username],
                   input=SASL_USER.password.encode(), check=True)
    with open(os.path.join(directory, "memcached.conf"), "w") as conf:
        conf.write(f"mech_list: plain cram-md5\nsasldb_path: {sasldb}\n")
    return {"SASL_CONF_PATH": directory}


class Endpoint:
    """One server as a client reaches it over one transport, in one of Cluster's modes.
    `credentials` is set when the server runs with -S; in that mode and in "binary" it
    speaks only the binary protocol, and the tests' raw view of it (command(), stats(),
    raw_value(), the debug clock) is not there: binary() and binary_value() are."""

    def __init__(self, process, transport, mode="auto", credentials=None):
        self.process = process
        self.transport = transport
        self.mode = mode
        self.credentials = credentials

    def __repr__(self):
        return f"<{self.process.kind} over {self.transport}: {self.spec}>"

    @property
    def address(self):
        """(host, port) for TCP, the socket's path for UNIX: what pymemcache takes."""
        return self.process.address(self.transport)

    @property
    def spec(self):
        """"host:port" or "/path": what libmemcached (pylibmc, the tools) takes."""
        if self.transport == "tcp":
            return f"127.0.0.1:{self.process.port}"
        return self.process.unix_path

    @property
    def prefixed_spec(self):
        """"host:port" or "unix:/path": what python-memcached and Django's LOCATION take."""
        if self.transport == "tcp":
            return self.spec
        return "unix:" + self.process.unix_path

    def command(self, line):
        """Sends one classic command on a fresh raw connection; returns the whole reply.
        The tests' own view of the server, independent of the client under test."""
        assert self.mode == "auto", f"a {self.mode} server has no text protocol"
        with self.process.connect(self.transport) as raw:
            raw.send(line if line.endswith("\r\n") else line + "\r\n")
            return raw.read_reply()

    def binary(self, *frames):
        """Sends binary requests on a fresh raw connection (authenticated first under -S)
        and returns the answers to them, parsed (binary_frames.Packet), up to a final NOOP's."""
        end = 0x5E5E5E5E
        if self.credentials:
            plain = f"\0{self.credentials.username}\0{self.credentials.password}"
            frames = (frame("sasl_auth", "PLAIN", value=plain),) + frames
        with self.process.connect(self.transport) as raw:
            raw.send(b"".join(frames) + frame("noop", opaque=end))
            packets, rest = parse(raw.read_binary_until(end))
        assert rest == b""
        if self.credentials:
            assert packets[0].status == 0, f"SASL PLAIN refused: {packets[0]}"
            packets = packets[1:]
        return packets[:-1]

    def flush(self):
        if self.mode != "auto":
            assert [p.status for p in self.binary(frame("flush"))] == [0]
        else:
            assert self.command("flush_all") == b"OK\r\n"

    def binary_value(self, key):
        """GETK over the binary protocol: (flags, value bytes), or None on a miss. Works
        under -S too, where raw_value's text protocol is refused."""
        [packet] = self.binary(frame("getk", key))
        return None if packet.status == 1 else (packet.flags, packet.value)

    def stats(self):
        reply = self.command("stats").decode()
        stats = {}
        for line in reply.splitlines():
            if line.startswith("STAT "):
                _, name, value = line.split(" ", 2)
                stats[name] = value
        return stats

    def item_count(self):
        return int(self.stats()["curr_items"])

    def raw_value(self, key):
        """`get key` as the server answers it: (flags, value bytes), or None on a miss."""
        reply = self.command(f"get {key}")
        if reply == b"END\r\n":
            return None
        header, rest = reply.split(b"\r\n", 1)
        _, _, flags, length = header.split()
        return int(flags), rest[: int(length)]


class Cluster:
    """`size` servers, started on first use, each reachable over both transports: one
    memstripe process per server, or for memcached one process per server and transport.

    mode "auto" serves both protocols (memcached's default, -B auto); "binary" serves only
    the binary one (-B binary), so a client that works there is known to speak it; "sasl"
    runs -S with `sasl_env` (write_sasl_config's), and clients log in as SASL_USER."""

    MODES = {"auto": [], "binary": ["-B", "binary"], "sasl": ["-S"]}

    def __init__(self, size, mode="auto", sasl_env=None):
        assert (mode == "sasl") == (sasl_env is not None)
        self.size = size
        self.processes = {}
        self.mode = mode
        self.args = self.MODES[mode]
        self.env = sasl_env
        self.credentials = SASL_USER if mode == "sasl" else None

    def _process(self, transport, index):
        slot = index if KIND == "memstripe" else (transport, index)
        if slot not in self.processes:
            if KIND == "memstripe":
                process = ServerProcess("memstripe", self.args, env=self.env)
            else:
                process = ServerProcess("memcached", self.args, tcp=transport == "tcp",
                                        unix=transport == "unix", env=self.env)
            self.processes[slot] = process.start()
        return self.processes[slot]

    def endpoints(self, transport):
        return [Endpoint(self._process(transport, i), transport, self.mode, self.credentials)
                for i in range(self.size)]

    def endpoint(self, transport):
        return self.endpoints(transport)[0]

    def stop(self):
        # Signal every process before waiting for any: they shut down side by side.
        for process in self.processes.values():
            if process.proc.poll() is None:
                process.proc.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            process.stop()
        self.processes.clear()


def require_memstripe(why):
    if KIND != "memstripe":
        pytest.skip(f"needs memstripe: {why}")


class ServerClock:
    """memstripe's test-only clock (started with -o debug_clock): moves expiry forward
    without sleeping, on every server a client uses. It only goes forward, and a server is
    shared by a test module, so the clock keeps count of how far each server runs ahead of
    real time: a test that sends an absolute unix time (an exptime over 30 days) needs it."""

    def __init__(self, *endpoints):
        self.endpoints = endpoints

    @property
    def offset(self):
        """Seconds the servers' clocks run ahead of the real one, at most."""
        return max(getattr(e.process, "clock_offset", 0) for e in self.endpoints)

    def advance(self, seconds):
        seconds = int(seconds)
        for e in self.endpoints:
            assert e.command(f"debug_advance_clock {seconds}") == b"OK\r\n"
            e.process.clock_offset = getattr(e.process, "clock_offset", 0) + seconds


# The largest item memcached 1.6 (and memstripe) accepts under the default -I 1m: the
# whole item counts, header and key included, and non-zero flags take 4 more bytes.
ITEM_SIZE_MAX = 1024 * 1024
ITEM_OVERHEAD = 59
MAX_KEY_LENGTH = 250


def largest_value_length(key_length, flags=0):
    return ITEM_SIZE_MAX - ITEM_OVERHEAD - (4 if flags else 0) - key_length
