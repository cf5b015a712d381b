"""Ten thousand clients at once, half over TCP and half over the UNIX socket, are all held
and all served (memstripe raises its own descriptor limit to fit -c); with -c 11000 the
11,001st client gets memcached's "ERROR Too many open connections" and is closed, and
every slot comes back when the clients leave."""

import resource
import selectors
import socket
import struct

import pytest

from harness import wait_for
from server_helpers import serving, stats

HELD = 10_000
LIMIT = 11_000


@pytest.fixture
def descriptors():
    """Room in this process for LIMIT client sockets and then some."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = LIMIT + 200
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(hard, want)))
        except (ValueError, OSError):
            pytest.skip(f"cannot raise RLIMIT_NOFILE to {want} (hard limit {hard})")
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def open_clients(server, count):
    clients = []
    for i in range(count):
        if i % 2:
            s = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        else:
            # A blocking connect: a UNIX socket whose backlog is full makes a non-blocking
            # connect fail with EAGAIN at once (the kernel does not queue it as TCP's SYN
            # retries do), while a blocking one waits, up to SO_SNDTIMEO, for an accept.
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 30, 0))
            s.connect(server.unix_path)
            s.settimeout(30)
        clients.append(s)
    return clients


def all_answer(clients, request, reply, prefix=False):
    """Sends `request` on every client at once and waits for every `reply` (with `prefix`,
    a line starting with it)."""
    selector = selectors.DefaultSelector()
    received = {}
    for s in clients:
        s.sendall(request)
        s.setblocking(False)
        selector.register(s, selectors.EVENT_READ)
        received[s] = b""
    waiting = len(clients)
    while waiting:
        events = selector.select(timeout=30)
        assert events, f"{waiting} clients got no reply in 30 s"
        for key, _ in events:
            s = key.fileobj
            chunk = s.recv(4096)
            assert chunk, "a held client was closed"
            received[s] += chunk
            if len(received[s]) >= len(reply) and received[s].endswith(b"\r\n"):
                assert received[s].startswith(reply) if prefix else received[s] == reply
                selector.unregister(s)
                s.setblocking(True)
                waiting -= 1
    selector.close()
    return True


def test_ten_thousand_clients_on_both_transports_are_held_and_served(descriptors):
    with serving(["-c", str(LIMIT), "-t", "2", "-b", "4096"]) as server:
        clients = open_clients(server, HELD)
        try:
            assert all_answer(clients, b"set shared 0 0 2\r\nok\r\n", b"STORED\r\n")
            assert all_answer(clients, b"get shared\r\n", b"VALUE shared 0 2\r\nok\r\nEND\r\n")
            with server.connect("tcp") as asking:
                s = stats(asking)
                assert s["curr_connections"] == str(HELD + 1)
                assert s["max_connections"] == str(LIMIT)

                # Up to the limit, everyone is served; past it, memcached's error.
                clients += open_clients(server, LIMIT - HELD - 1)
                assert all_answer(clients[HELD:], b"version\r\n", b"VERSION ", prefix=True)
                with server.connect("unix") as extra:
                    assert extra.read_line() == b"ERROR Too many open connections\r\n"
                    assert extra.closed_by_peer()
                assert stats(asking)["rejected_connections"] == "1"
        finally:
            for s in clients:
                s.close()
        with server.connect("tcp") as after:
            wait_for(lambda: stats(after)["curr_connections"] == "1", 60, "every slot to come back")
