"""Slow and broken clients: a client that dribbles its request a byte at a time is answered
once the request is whole, and holds up nobody meanwhile; clients that reset their
connection while a large reply is being sent leave the server serving, with every slot
given back; -o idle_timeout closes a client idle for longer by the server's clock, as
memcached does, but not one in the middle of sending a value. (The client that never
reads its replies: test_backpressure.py; one that half-closes: test_transports.py; what
these cost other clients in latency and the server in memory: test_resource_bounds.py.)"""

import itertools
import os
import select
import socket
import struct
import threading
import time

from harness import wait_for
from server_helpers import serving, stats

_ids = itertools.count()


def unique(name):
    return f"{name}-{os.getpid()}-{next(_ids)}"


class Dribbler(threading.Thread):
    """Sends each connection's bytes one at a time, round-robin, a pause between rounds."""

    def __init__(self, connections, payloads, pause):
        super().__init__(daemon=True)
        self.connections = connections
        self.payloads = payloads
        self.pause = pause
        self.done = threading.Event()
        self.error = None

    def run(self):
        try:
            for i in range(max(len(p) for p in self.payloads)):
                for c, p in zip(self.connections, self.payloads):
                    if i < len(p):
                        c.send(p[i:i + 1])
                time.sleep(self.pause)
        except Exception as e:  # reported by the test
            self.error = e
        finally:
            self.done.set()


def test_slowloris_clients_are_answered_once_their_requests_are_whole_and_hold_up_nobody(server):
    slow = [server.connect("tcp" if i % 2 else "unix") for i in range(40)]
    keys = [unique("slow") for _ in slow]
    payloads = [b"set %s 0 0 5\r\nhello\r\nget %s\r\n" % (k.encode(), k.encode()) for k in keys]
    dribbler = Dribbler(slow, payloads, pause=0.05)
    try:
        dribbler.start()
        served_meanwhile = 0
        while not dribbler.done.is_set():
            for transport in ("tcp", "unix"):
                with server.connect(transport) as other:
                    key = unique("quick")
                    assert other.request(f"set {key} 0 0 2\r\nhi\r\n") == b"STORED\r\n"
                    assert other.request(f"get {key}\r\n", b"END\r\n") == b"VALUE %s 0 2\r\nhi\r\nEND\r\n" % key.encode()
                    served_meanwhile += 1
        assert dribbler.error is None
        assert served_meanwhile > 10  # the others were served while the slow ones dribbled
        for c, k in zip(slow, keys):
            assert c.read_line() == b"STORED\r\n"
            assert c.read_until(b"END\r\n") == b"VALUE %s 0 5\r\nhello\r\nEND\r\n" % k.encode()
    finally:
        for c in slow:
            c.close()


def reset(sock):
    """Closes with SO_LINGER 0: over TCP the server's next write meets a reset."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_clients_that_reset_mid_reply_leave_the_server_serving_and_their_slots_free():
    with serving(["-m", "64", "-I", "2m", "-c", "20"]) as server:
        value = os.urandom(1024 * 1024)
        with server.connect("tcp") as c:
            assert c.request(b"set big 0 0 %d\r\n%s\r\n" % (len(value), value)) == b"STORED\r\n"
        for i in range(30):  # more than -c: a slot kept by any of them would show
            hostile = server.connect("tcp" if i % 2 else "unix")
            hostile.send(b"get big\r\n" * 16)
            readable, _, _ = select.select([hostile.sock], [], [], 20)
            assert readable  # the reply is on its way
            reset(hostile.sock)
        with server.connect("unix") as c:
            wait_for(lambda: stats(c)["curr_connections"] == "1", 20, "the reset connections to be closed")
            reply = c.request("get big\r\n", b"END\r\n")
            assert reply == b"VALUE big 0 %d\r\n%s\r\nEND\r\n" % (len(value), value)


def test_idle_timeout_closes_an_idle_client_by_the_servers_clock_but_not_one_sending_a_value(transport):
    with serving(["-o", "idle_timeout=3600"]) as server:
        idle = server.connect(transport)
        sending = server.connect(transport)
        try:
            assert idle.request("version\r\n").startswith(b"VERSION ")
            sending.send(b"set midvalue 0 0 10\r\nhalf ")
            with server.connect(transport) as clock:
                # The server has read the first half (memcached's state name: conn_nread).
                wait_for(lambda: b"conn_nread" in clock.request("stats conns\r\n", b"END\r\n"), 10,
                         "the server to be reading the value")
                assert clock.request("debug_advance_clock 3601\r\n") == b"OK\r\n"
            # Closed at the server's next one-second tick.
            assert idle.closed_by_peer(timeout=10)
            # memcached does not time out a client in the middle of a value (conn_nread).
            sending.send(b"done!\r\n")
            assert sending.read_line() == b"STORED\r\n"
        finally:
            idle.close()
            sending.close()
