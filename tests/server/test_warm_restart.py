"""-e FILE, memcached's warm restart: a restart on the same memory file and settings serves
every item that was live (memcached's t/restart.t, in our words, over both transports),
after a graceful stop (SIGUSR1, SIGTERM, `shutdown graceful`) and after SIGKILL; a file
it cannot trust starts empty, or serves what it can prove whole, and the log says which.
memcached 1.6.18 runs the graceful test too, as the reference."""

import os
import re
import shutil
import signal
import tempfile
import time

import pytest

from crash_load import run as crash_runs
from harness import ServerProcess, memcached_binary, wait_for

SIZES = [2, 10, 100, 1000, 10_000, 100_000, 500_000, 1_000_000]
SMALL_KEYS = 6000  # enough to grow every shard's index


@pytest.fixture
def memory_dir():
    """The memory file's directory: on tmpfs, where -e belongs, and outside every server's
    own directory (which goes when the server does)."""
    d = tempfile.mkdtemp(prefix="memstripe-warm-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def value_for(key, size):
    return (key * (size // len(key) + 1))[:size]


class Restartable:
    """A server on a memory file, stopped and started again in the same directory."""

    def __init__(self, kind, memory_file, extra=()):
        self.kind = kind
        args = ["-e", memory_file, "-m", "128", "-I", "2m", *extra]
        # memcached serves TCP or a UNIX socket, not both.
        self.server = ServerProcess(kind, args=args, unix=kind == "memstripe")
        self.logged = 0
        self.server.start()
        self.wait_for_recovery()

    @property
    def transports(self):
        return self.server.transports

    def connect(self, transport):
        return self.server.connect(transport)

    def new_log(self):
        return self.server.log()[self.logged:]

    def stop(self, how):
        if how == "shutdown graceful":
            with self.connect(self.transports[0]) as c:
                c.send(b"shutdown graceful\r\n")
                assert c.closed_by_peer()
            assert self.server.proc.wait(30) == 0
        else:
            self.server.proc.send_signal(how)
            assert self.server.proc.wait(30) == 0, self.server.log()
        self.logged = len(self.server.log())

    def kill(self):
        self.server.proc.kill()
        self.server.proc.wait()
        self.logged = len(self.server.log())

    def start_again(self):
        self.server.proc = None
        os.unlink(os.path.join(self.server.dir, "port"))
        self.server.start()
        self.wait_for_recovery()

    def wait_for_recovery(self):
        if self.kind == "memstripe":
            # The port file comes once the sockets are bound; the log line once the cache is back.
            wait_for(lambda: "listening on" in self.new_log(), 60, "the recovery")

    def close(self):
        self.server.stop()


def store_all(server):
    """What memcached's t/restart.t stores, split over the transports; returns what each
    key must read as after a restart (None: absent)."""
    expect = {}
    transports = server.transports
    with server.connect(transports[0]) as a, server.connect(transports[-1]) as b:
        for i in range(SMALL_KEYS):
            c = a if i % 2 == 0 else b
            key = b"small%d" % i
            value = value_for(key, 2 + i % 200)
            assert c.request(b"set %s %d 0 %d\r\n%s\r\n" % (key, i, len(value), value)) == b"STORED\r\n"
            expect[key] = (i, value)
        for size in SIZES:
            key = b"size%d" % size
            value = value_for(key, size)
            assert a.request(b"set %s 7 0 %d\r\n%s\r\n" % (key, len(value), value)) == b"STORED\r\n"
            expect[key] = (7, value)
        for key in (b"small3", b"small4", b"size100000"):
            assert b.request(b"delete %s\r\n" % key) == b"DELETED\r\n"
            expect[key] = None
    return expect


def read_back(server, expect):
    """Every key, over every transport: the ones that do not read as expected."""
    wrong = []
    for transport in server.transports:
        with server.connect(transport) as c:
            for key, want in expect.items():
                got = c.request(b"get %s\r\n" % key, b"END\r\n")
                if want is None:
                    ok = got == b"END\r\n"
                else:
                    flags, value = want
                    ok = got == b"VALUE %s %d %d\r\n%s\r\nEND\r\n" % (key, flags, len(value), value)
                if not ok:
                    wrong.append((transport, key))
    return wrong


def highest_cas(server, keys):
    with server.connect(server.transports[0]) as c:
        reply = c.request(b"gets " + b" ".join(keys) + b"\r\n", b"END\r\n")
    return max(int(m) for m in re.findall(rb"VALUE \S+ \d+ \d+ (\d+)\r\n", reply))


@pytest.mark.parametrize("how", [signal.SIGUSR1, signal.SIGTERM, "shutdown graceful"],
                         ids=["SIGUSR1", "SIGTERM", "shutdown-graceful"])
def test_every_live_item_comes_back_after_a_graceful_stop(memory_dir, how):
    s = Restartable("memstripe", os.path.join(memory_dir, "cache"), extra=["-A"])
    try:
        assert "starting with an empty cache: the file is empty" in s.new_log()
        expect = store_all(s)
        with s.connect("tcp") as c:
            assert c.request(b"set ttl5 0 5 1\r\na\r\n") == b"STORED\r\n"
            assert c.request(b"set ttl200 0 200 1\r\nb\r\n") == b"STORED\r\n"
        cas_before = highest_cas(s, list(expect)[:50] + [b"ttl5"])
        s.stop(how)
        s.start_again()
        assert re.search(r"warm restart after a graceful stop: %d items recovered" % (len(expect) - 3 + 2),
                         s.new_log()), s.new_log()
        assert read_back(s, expect) == []
        with s.connect("unix") as c:
            assert c.request(b"get ttl5 ttl200\r\n", b"END\r\n") == \
                b"VALUE ttl5 0 1\r\na\r\nVALUE ttl200 0 1\r\nb\r\nEND\r\n"
            # Six seconds on (the test clock): the 5 s item is gone, the 200 s one stays.
            assert c.request(b"debug_advance_clock 6\r\n") == b"OK\r\n"
            assert c.request(b"get ttl5 ttl200\r\n", b"END\r\n") == b"VALUE ttl200 0 1\r\nb\r\nEND\r\n"
            assert c.request(b"set after 0 0 1\r\nz\r\n") == b"STORED\r\n"
            settings = c.request(b"stats settings\r\n", b"END\r\n")
        assert b"STAT memory_file %s\r\n" % os.path.join(memory_dir, "cache").encode() in settings
        assert highest_cas(s, [b"after"]) > cas_before
    finally:
        s.close()


@pytest.mark.skipif(not os.path.exists(memcached_binary()), reason="memcached is not installed")
def test_memcached_brings_the_same_items_back_after_sigusr1(memory_dir):
    """The reference: the same items, the same test, memcached 1.6.18's -e."""
    s = Restartable("memcached", os.path.join(memory_dir, "cache"))
    try:
        expect = store_all(s)
        s.stop(signal.SIGUSR1)
        # memcached 1.6.18 refuses a restart in the second it stopped ("restart incompatible
        # due to setting for [stop_time]"); memstripe restarts at once.
        stopped = int(time.time())
        wait_for(lambda: int(time.time()) > stopped, 5, "the next second")
        s.start_again()
        assert read_back(s, expect) == []
    finally:
        s.close()


def test_sigkill_under_load_loses_no_acknowledged_store_and_serves_no_torn_value():
    figures = crash_runs(kills=3, log=lambda *_: None)
    assert figures["failures"] == []
    assert figures["kills"] == 3 and figures["keys_checked"] > 1000
    assert len(figures["recovered_lines"]) == 3
    assert all("warm restart after a crash" in line for line in figures["recovered_lines"])


def offset_of(path, needle):
    with open(path, "rb") as f:
        data = f.read()
    at = data.find(needle)
    assert at >= 0
    return at


def overwrite(path, offset, data):
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(data)


@pytest.mark.parametrize("damage", ["flipped", "truncated"])
def test_a_damaged_file_serves_the_items_that_are_whole_and_reports_the_rest(memory_dir, damage):
    path = os.path.join(memory_dir, "cache")
    s = Restartable("memstripe", path)
    try:
        keys = [b"whole%d" % i for i in range(100)]
        with s.connect("tcp") as c:
            for key in keys:
                assert c.request(b"set %s 0 0 500\r\n%s\r\n" % (key, value_for(key, 500))) == b"STORED\r\n"
            assert c.request(b"set victim 0 0 500\r\n%s\r\n" % (b"V" * 500)) == b"STORED\r\n"
        s.stop(signal.SIGTERM)
        at = offset_of(path, b"V" * 500)
        if damage == "flipped":
            overwrite(path, at + 250, b"v")
        else:
            os.truncate(path, at + 250)
        s.start_again()
        assert "101 items" not in s.new_log()
        assert "100 items recovered" in s.new_log() and "1 dropped as not whole" in s.new_log(), s.new_log()
        expect = {key: (0, value_for(key, 500)) for key in keys}
        expect[b"victim"] = None
        assert read_back(s, expect) == []
        with s.connect("unix") as c:
            assert c.request(b"set victim 0 0 1\r\nn\r\n") == b"STORED\r\n"
    finally:
        s.close()


@pytest.mark.parametrize("damage,reason", [
    ("empty", "the file is empty"),
    ("zeros", "not a memstripe memory file"),
    ("header", "not a memstripe memory file"),
    ("other -m", "restart incompatible due to setting for [maxbytes] (-m)"),
])
def test_a_file_it_cannot_read_starts_an_empty_cache_and_says_why(memory_dir, damage, reason):
    path = os.path.join(memory_dir, "cache")
    s = Restartable("memstripe", path)
    try:
        with s.connect("tcp") as c:
            assert c.request(b"set k 0 0 1\r\nv\r\n") == b"STORED\r\n"
        s.stop(signal.SIGTERM)
        size = os.path.getsize(path)
        if damage == "empty":
            os.truncate(path, 0)
        elif damage == "zeros":
            os.truncate(path, 0)
            os.truncate(path, size)
        elif damage == "header":
            overwrite(path, 0, b"x")
        else:
            s.server.extra_args[s.server.extra_args.index("-m") + 1] = "64"
        s.start_again()
        assert f"starting with an empty cache: {reason}" in s.new_log(), s.new_log()
        for transport in s.transports:
            with s.connect(transport) as c:
                assert c.request(b"get k\r\n", b"END\r\n") == b"END\r\n"
        with s.connect("unix") as c:
            assert c.request(b"set k 0 0 2\r\nv2\r\n") == b"STORED\r\n"
        # The file is reused: the next restart is warm.
        s.stop(signal.SIGTERM)
        s.start_again()
        assert "1 items recovered" in s.new_log(), s.new_log()
    finally:
        s.close()
