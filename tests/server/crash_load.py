"""Crash and restart, for -e: self-checking stores and deletes over both transports, the
server killed with SIGKILL at a random moment (after a random number of acknowledged
operations, not after a sleep), started again on the same memory file, and every key ever
written read back. A key must read as the state after one of its operations between its
last acknowledged one and its last sent one: a torn value, a value of another key, a lost
acknowledged store or a deleted key come back are each counted as a failure.

Imported by test_warm_restart.py (3 kills in `make test`) and run by `make soak` (20):
    /usr/bin/python3 tests/server/crash_load.py --kills 20
"""

import argparse
import hashlib
import os
import random
import re
import selectors
import signal
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from harness import ServerProcess, wait_for  # noqa: E402

CONNECTIONS = 8  # half over TCP, half over the UNIX socket
KEYS_PER_CONNECTION = 400
IN_FLIGHT = 48
SIZES = (2, 10, 100, 700, 3000, 12000)
LARGE_SIZES = (70000, 300000)  # values too large for a chunk: the file's large region
LARGE_SHARE = 0.02


def value_of(key, version, size):
    """A value that says which key and version it is, and proves itself whole."""
    head = b"%s:%d:" % (key, version)
    body = hashlib.sha256(head).digest() * (size // 32 + 2)
    return (head + body)[:max(size, len(head) + 8)]


def is_value_of(key, value):
    """The version a value is of `key`, or None when it is not a whole value of it."""
    try:
        k, version, _ = value.split(b":", 2)
        version = int(version)
    except ValueError:
        return None
    return version if k == key and value == value_of(key, version, len(value)) else None


class Writer:
    """One connection's keys and operations, pipelined IN_FLIGHT deep."""

    def __init__(self, sock, prefix, rng):
        self.sock = sock
        self.sock.setblocking(False)
        self.rng = rng
        self.keys = [b"%s-%d" % (prefix, i) for i in range(KEYS_PER_CONNECTION)]
        # Per key, its operations in order: a version stored, or None for a delete.
        self.ops = {k: [] for k in self.keys}
        self.acked = {k: -1 for k in self.keys}  # index of the last acknowledged operation
        self.pending = []  # (key, op index) in the order sent
        self.out = b""
        self.buf = b""
        self.version = 0
        self.acknowledged = 0
        self.killed = False

    def fill(self):
        while len(self.pending) < IN_FLIGHT:
            key = self.rng.choice(self.keys)
            if self.ops[key] and self.rng.random() < 0.1:
                self.ops[key].append(None)
                self.out += b"delete %s\r\n" % key
            else:
                self.version += 1
                size = self.rng.choice(LARGE_SIZES if self.rng.random() < LARGE_SHARE else SIZES)
                value = value_of(key, self.version, size)
                self.ops[key].append(self.version)
                self.out += b"set %s 0 0 %d\r\n%s\r\n" % (key, len(value), value)
            self.pending.append((key, len(self.ops[key]) - 1))

    def on_event(self, writable):
        if writable and self.out:
            try:
                self.out = self.out[self.sock.send(self.out):]
            except (BlockingIOError, InterruptedError):
                pass
        try:
            chunk = self.sock.recv(1 << 16)
        except (BlockingIOError, InterruptedError):
            return True
        except OSError:
            return False
        if not chunk:
            return False
        self.buf += chunk
        while b"\r\n" in self.buf:
            line, self.buf = self.buf.split(b"\r\n", 1)
            key, index = self.pending.pop(0)
            assert line in (b"STORED", b"DELETED", b"NOT_FOUND"), line
            self.acked[key] = index
            self.acknowledged += 1
        if not self.killed:
            self.fill()
        return True

    def drain_after_kill(self):
        """Replies already sent before the kill still count as acknowledgements."""
        self.killed = True
        self.sock.setblocking(True)
        self.sock.settimeout(5)
        try:
            while self.on_event(False):
                pass
        except (OSError, AssertionError):
            pass


def states_allowed(ops, acked):
    """What a key may read as: the state after its last acknowledged operation or any later one."""
    first = max(acked, 0) if acked >= 0 else -1
    allowed = set()
    if first == -1:
        allowed.add(None)  # nothing acknowledged: it may never have been stored
        first = 0
    for op in ops[first:]:
        allowed.add(op)
    return allowed


def read_back(server, transport, keys):
    """Each key's version, None when missing; raises on a value that is not whole."""
    found = {}
    with server.connect(transport) as c:
        for i in range(0, len(keys), 100):
            batch = keys[i:i + 100]
            c.send(b"get " + b" ".join(batch) + b"\r\n")
            got = {}
            while True:
                line = c.read_line()
                if line == b"END\r\n":
                    break
                _, key, _, length = line.split()
                value = c.read_exact(int(length) + 2)[:-2]
                got[key] = value
            for key in batch:
                found[key] = got.get(key)
    return found


def run(binary=None, kills=3, seed=None, directory=None, memory_mb=1024, log=print):
    """Runs `kills` crash-and-restart cycles; returns a dict of figures; failures listed."""
    rng = random.Random(seed)
    base = directory or tempfile.mkdtemp(prefix="memstripe-crash-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    path = os.path.join(base, "cache")
    args = ["-e", path, "-m", str(memory_mb), "-I", "1m", "-t", "2"]
    # Every key of every cycle, with what it may read as.
    expected = {}
    figures = {"kills": 0, "acknowledged": 0, "keys_checked": 0, "torn_or_foreign": 0, "lost_acknowledged": 0,
               "resurrected": 0, "recovered_lines": [], "failures": []}
    server = ServerProcess("memstripe", args=args, binary=binary, debug_clock=False).start()
    try:
        for cycle in range(kills):
            writers = []
            for i in range(CONNECTIONS):
                transport = "tcp" if i % 2 == 0 else "unix"
                sock = server.connect(transport).sock
                writers.append(Writer(sock, b"c%d-w%d" % (cycle, i), rng))
            sel = selectors.DefaultSelector()
            for w in writers:
                w.fill()
                sel.register(w.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, w)
            kill_after = rng.randint(300, 6000)
            total = 0
            while total < kill_after:
                for key, events in sel.select(timeout=10):
                    w = key.data
                    if not w.on_event(events & selectors.EVENT_WRITE):
                        raise RuntimeError(f"connection ended before the kill: {server.log()[-2000:]}")
                    total = sum(x.acknowledged for x in writers)
            os.kill(server.pid, signal.SIGKILL)
            server.proc.wait()
            for w in writers:
                w.drain_after_kill()
                w.sock.close()
            sel.close()
            figures["kills"] += 1
            figures["acknowledged"] += sum(w.acknowledged for w in writers)
            for w in writers:
                for key in w.keys:
                    if w.ops[key]:
                        expected[key] = states_allowed(w.ops[key], w.acked[key])
            old_log = server.log()
            # A new process in the same directory, on the same memory file; the port file goes
            # first, as it is how the harness tells the new one is listening.
            server.proc = None
            os.unlink(os.path.join(server.dir, "port"))
            server.start()
            # The port file is written once the sockets are bound, before the cache is read
            # back (connections wait in the backlog meanwhile); the log says when it is.
            wait_for(lambda: "listening on" in server.log()[len(old_log):], 60, "the restart's recovery")
            log_text = server.log()[len(old_log):]
            for line in log_text.splitlines():
                if "warm restart" in line:
                    figures["recovered_lines"].append(line.split("] ", 2)[-1])
            keys = sorted(expected)
            for transport in ("tcp", "unix"):
                half = keys[0::2] if transport == "tcp" else keys[1::2]
                for key, value in read_back(server, transport, half).items():
                    figures["keys_checked"] += 1
                    state = None if value is None else is_value_of(key, value)
                    if value is not None and state is None:
                        figures["torn_or_foreign"] += 1
                        figures["failures"].append(f"cycle {cycle}: {key!r} holds a value that is not whole")
                        continue
                    if state not in expected[key]:
                        # Missing: an acknowledged store was lost. A value: one that an
                        # acknowledged store or delete had replaced came back.
                        kind = "lost_acknowledged" if state is None else "resurrected"
                        figures[kind] += 1
                        figures["failures"].append(f"cycle {cycle}: {key!r} reads {state}, allowed {expected[key]}")
                    # What it reads now is what it must read after the next restart.
                    expected[key] = {state}
            log(f"kill {cycle + 1}/{kills}: {figures['recovered_lines'][-1] if figures['recovered_lines'] else 'no log line'}")
    finally:
        server.stop()
        if directory is None:
            for name in os.listdir(base):
                os.unlink(os.path.join(base, name))
            os.rmdir(base)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--binary", help="memstripe binary (default: $MEMSTRIPE_BIN or build/memstripe)")
    args = parser.parse_args()
    figures = run(binary=args.binary, kills=args.kills, seed=args.seed)
    for name in ("kills", "acknowledged", "keys_checked", "torn_or_foreign", "lost_acknowledged", "resurrected"):
        print(f"{name}: {figures[name]}")
    unfinished = sum(int(m) for line in figures["recovered_lines"] for m in re.findall(r"(\d+) unfinished", line))
    print(f"unfinished stores caught by a kill, dropped: {unfinished}")
    for failure in figures["failures"][:20]:
        print("FAIL", failure)
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
