"""The servers the client suites talk to, and the tests' own raw view of them.

The server under test is memstripe. MEMSTRIPE_CLIENTS_AGAINST=memcached runs the same
suites against Debian's memcached instead, as the reference: a suite that fails there is
testing something memcached does not do. memcached cannot serve TCP and a UNIX socket at
once, so it gets one process per transport, and tests that need memstripe's extras (one
store seen over both transports, the debug clock) skip themselves.
"""

import os
import signal
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import ServerProcess  # noqa: E402

KIND = os.environ.get("MEMSTRIPE_CLIENTS_AGAINST", "memstripe")
if KIND not in ("memstripe", "memcached"):
    raise RuntimeError(f"MEMSTRIPE_CLIENTS_AGAINST must be memstripe or memcached, not {KIND!r}")


class Endpoint:
    """One server as a client reaches it over one transport."""

    def __init__(self, process, transport):
        self.process = process
        self.transport = transport

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
        with self.process.connect(self.transport) as raw:
            raw.send(line if line.endswith("\r\n") else line + "\r\n")
            return raw.read_reply()

    def flush(self):
        assert self.command("flush_all") == b"OK\r\n"

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
    memstripe process per server, or for memcached one process per server and transport."""

    def __init__(self, size):
        self.size = size
        self.processes = {}

    def _process(self, transport, index):
        slot = index if KIND == "memstripe" else (transport, index)
        if slot not in self.processes:
            if KIND == "memstripe":
                process = ServerProcess("memstripe")
            else:
                process = ServerProcess("memcached", tcp=transport == "tcp",
                                        unix=transport == "unix")
            self.processes[slot] = process.start()
        return self.processes[slot]

    def endpoints(self, transport):
        return [Endpoint(self._process(transport, i), transport) for i in range(self.size)]

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
