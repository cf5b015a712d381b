"""What hostile clients cost everyone else, measured: while clients ask for large values and
never read the replies, while hundreds of clients dribble their requests a byte at a time,
and while clients flood malformed commands, the server's resident memory stays bounded and
other clients' round trips stay close to what they were before (generous bounds: this is a
guard against a server that stalls or balloons, not a benchmark). Normal build only
(label timing)."""

import multiprocessing
import os
import select
import statistics
import threading
import time

import pytest

from server_helpers import proc_status, serving

ROUND_TRIPS = 300


def rss_kib(server):
    return int(proc_status(server.pid)["VmRSS"].split()[0])


def round_trip_times(server, transport, count=ROUND_TRIPS):
    """Seconds per `get` of a small value, one request at a time."""
    times = []
    with server.connect(transport) as c:
        assert c.request(b"set probe 0 0 10\r\n0123456789\r\n") == b"STORED\r\n"
        for _ in range(count):
            start = time.perf_counter()
            c.send(b"get probe\r\n")
            c.read_until(b"END\r\n")
            times.append(time.perf_counter() - start)
    return times


def summary(times):
    ordered = sorted(times)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.99) - 1]


def assert_latency_kept(server, baseline, what):
    for transport in ("tcp", "unix"):
        median0, p99_0 = baseline[transport]
        median, p99 = summary(round_trip_times(server, transport))
        # Within 5x, or 2 ms, of the median before; the tail within 10x, or 20 ms.
        assert median <= max(5 * median0, median0 + 0.002), (
            f"{what}: {transport} median round trip {median * 1e3:.2f} ms, before {median0 * 1e3:.2f} ms")
        assert p99 <= max(10 * p99_0, p99_0 + 0.020), (
            f"{what}: {transport} p99 round trip {p99 * 1e3:.2f} ms, before {p99_0 * 1e3:.2f} ms")


def baseline(server):
    return {t: summary(round_trip_times(server, t)) for t in ("tcp", "unix")}


def stuff_until_refused(sock, chunk, limit=256 * 1024 * 1024):
    """Sends `chunk` over and over without reading, until the server stops reading (a full
    second without room to send); returns the bytes sent."""
    sock.setblocking(False)
    sent = 0
    while sent < limit:
        try:
            sent += sock.send(chunk)
            continue
        except BlockingIOError:
            pass
        _, writable, _ = select.select([], [sock], [], 1.0)
        if not writable:
            return sent
    raise AssertionError("the server kept reading a client that reads nothing")


def test_clients_that_never_read_large_replies_leave_memory_bounded_and_others_fast():
    with serving(["-m", "64", "-I", "2m"]) as server:
        value = os.urandom(1024 * 1024)
        with server.connect("tcp") as c:
            assert c.request(b"set big 0 0 %d\r\n%s\r\n" % (len(value), value)) == b"STORED\r\n"
        before = baseline(server)
        rss_before = rss_kib(server)
        hogs = [server.connect("tcp" if i % 2 else "unix") for i in range(16)]
        try:
            for hog in hogs:
                stuff_until_refused(hog.sock, b"get big\r\n" * 1024)
            grown = rss_kib(server) - rss_before
            # Each hog holds at most its bound of queued replies (references to the one
            # value, not copies) and a read buffer: 16 hogs, far below 16 x 1 MiB x their
            # requests.
            assert grown < 32 * 1024, f"RSS grew by {grown} KiB for 16 clients that do not read"
            assert_latency_kept(server, before, "16 clients not reading 1 MiB replies")
        finally:
            for hog in hogs:
                hog.close()


class Background(threading.Thread):
    def __init__(self, work):
        super().__init__(daemon=True)
        self.work = work
        self.stop = threading.Event()
        self.error = None

    def run(self):
        try:
            self.work(self.stop)
        except Exception as e:  # reported by the test
            self.error = e


def test_hundreds_of_slowloris_clients_leave_memory_bounded_and_others_fast():
    with serving() as server:
        before = baseline(server)
        rss_before = rss_kib(server)
        slow = [server.connect("tcp" if i % 2 else "unix") for i in range(300)]
        request = b"get " + b"k" * 200 + b"\r\n"

        def dribble(stop):
            i = 0
            while not stop.is_set() and i < len(request) - 2:  # never the end of the line
                for c in slow:
                    c.send(request[i:i + 1])
                i += 1
                stop.wait(0.02)

        dribbler = Background(dribble)
        dribbler.start()
        try:
            assert_latency_kept(server, before, "300 slowloris clients")
            assert rss_kib(server) - rss_before < 16 * 1024
        finally:
            dribbler.stop.set()
            dribbler.join()
            for c in slow:
                c.close()
        assert dribbler.error is None


MALFORMED = (b"bogus command\r\nset k 0 0 x\r\nget " + b"k" * 251 + b"\r\n\x01\x02\xff\r\n"
             b"mg k !\r\nincr k abc\r\n") * 200
PIPELINED = b"get absent\r\nversion\r\n" * 600


def flood(server, stop, flowing, transport, payload):
    """Sends `payload` over and over as fast as the server takes it, reading the replies.
    Four of these busy processes on two cores would otherwise delay the probing client's
    own wake-ups by the scheduler's latency (tens of milliseconds), which is not what is
    measured: they run at a lower priority, the server's threads do not."""
    os.nice(10)
    with server.connect(transport) as c:
        c.sock.setblocking(False)
        while not stop.is_set():
            try:
                c.sock.send(payload)
            except BlockingIOError:
                pass
            try:
                while c.sock.recv(1 << 16):
                    flowing.set()
            except BlockingIOError:
                pass
            select.select([c.sock], [c.sock], [], 0.1)


class Flooders:
    """Flooding clients in processes of their own, not threads: a flooding thread would hold
    the interpreter's lock and slow this test's round trips, not the server's."""

    def __init__(self, server, payload, count=4):
        context = multiprocessing.get_context("fork")
        self.stop = context.Event()
        self.flowing = [context.Event() for _ in range(count)]
        self.processes = [context.Process(target=flood, args=(server, self.stop, self.flowing[i], ("tcp", "unix")[i % 2],
                                                              payload), daemon=True) for i in range(count)]

    def __enter__(self):
        for p in self.processes:
            p.start()
        # Measured only once every flooder's replies are coming back: the flood is on.
        for flowing in self.flowing:
            assert flowing.wait(30), "a flooding client got no reply in 30 s"
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for p in self.processes:
            p.join(30)
        if exc[0] is None:
            assert [p.exitcode for p in self.processes] == [0] * len(self.processes)


def test_clients_flooding_malformed_commands_leave_memory_bounded():
    with serving() as server:
        rss_before = rss_kib(server)
        with Flooders(server, MALFORMED):
            # Long enough for the flood to reach its steady state many times over.
            for transport in ("tcp", "unix"):
                round_trip_times(server, transport)
            assert rss_kib(server) - rss_before < 16 * 1024


# A flooding client's turn ends after -R requests (20), as memcached's does; the rest of
# its pipeline waits for the next turn, after the other clients'
# (tests/server/test_request_turns.py).
@pytest.mark.parametrize("payload", [pytest.param(MALFORMED, id="malformed"), pytest.param(PIPELINED, id="pipelined")])
def test_clients_flooding_commands_leave_others_fast(payload):
    with serving() as server:
        before = baseline(server)
        with Flooders(server, payload):
            assert_latency_kept(server, before, "4 clients flooding commands")
