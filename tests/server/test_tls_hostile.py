"""Handshakes that go wrong cost the other clients nothing: plaintext or garbage where a
ClientHello should be is closed and counted in ssl_handshake_errors, every one; a
ClientHello dribbled a byte at a time completes while another client is served; hundreds
of handshakes that never finish leave a canary client answered, and are closed and counted
once the handshake time bound (10 s, on the server's clock) has passed."""

import socket
import ssl
import time

import pytest

from harness import connect_socket, wait_for
from tls_helpers import (Pki, closed_without_a_byte, handshake_errors, server_stats, tls_client, tls_serving,
                         wait_for_handshake_errors)

HANDSHAKE_TIMEOUT = 10


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(pki):
    with tls_serving(pki) as s:
        yield s


class MemoryTls:
    """A TLS client over memory BIOs: the test decides when each byte reaches the socket."""

    def __init__(self, context):
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = context.wrap_bio(self.incoming, self.outgoing, server_hostname="localhost")
        with pytest.raises(ssl.SSLWantReadError):
            self.tls.do_handshake()
        self.hello = self.outgoing.read()

    def finish(self, sock):
        while True:
            try:
                self.tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                self._flush(sock)
                self._receive(sock)
        self._flush(sock)

    def request(self, sock, data, terminator=b"\r\n"):
        self.tls.write(data)
        self._flush(sock)
        reply = b""
        while terminator not in reply:
            try:
                reply += self.tls.read(1 << 16)
            except ssl.SSLWantReadError:
                self._receive(sock)
        return reply

    def _flush(self, sock):
        data = self.outgoing.read()
        if data:
            sock.sendall(data)

    def _receive(self, sock):
        chunk = sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.incoming.write(chunk)


@pytest.mark.parametrize("payload", [
    b"version\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x00" * 64,
    b"\x16\x03\x01\x00\x05hello",                 # a handshake record that is no ClientHello
    b"\x16\x03\x01\x40\x00" + b"A" * 200 + b"\x00",  # announces more than it sends, then ends
    b"\x80\x2e\x01\x00\x02" + b"\x00" * 40,        # an SSLv2-style hello
])
def test_garbage_instead_of_a_client_hello_is_closed_and_counted(server, payload):
    before = handshake_errors(server)
    with connect_socket(("127.0.0.1", server.port)) as s:
        s.sendall(payload)
        s.shutdown(socket.SHUT_WR)  # the server sees the end of what it was sent
        s.settimeout(10)
        try:
            while s.recv(4096):
                pass  # at most an alert
        except ConnectionResetError:
            pass
    wait_for_handshake_errors(server, before + 1)
    assert handshake_errors(server) == before + 1


def test_a_client_that_leaves_before_its_hello_is_counted_once(server):
    before = handshake_errors(server)
    connect_socket(("127.0.0.1", server.port)).close()
    wait_for_handshake_errors(server, before + 1)
    assert handshake_errors(server) == before + 1


def test_plaintext_gets_no_byte_back(server):
    with connect_socket(("127.0.0.1", server.port)) as s:
        s.sendall(b"get foo\r\n")
        assert closed_without_a_byte(s)


def test_a_client_hello_dribbled_a_byte_at_a_time_completes_while_another_client_is_served(server, pki):
    slow = MemoryTls(pki.context())
    with connect_socket(("127.0.0.1", server.port)) as s, tls_client(server, pki.context(), timeout=5) as canary:
        for i, byte in enumerate(slow.hello):
            s.sendall(bytes([byte]))
            if i % 32 == 0:
                assert canary.request(b"version\r\n").startswith(b"VERSION ")
            time.sleep(0.001)  # the pace under test, not a wait for the server
        slow.finish(s)
        assert slow.request(s, b"version\r\n").startswith(b"VERSION ")


def test_hundreds_of_unfinished_handshakes_leave_a_canary_answered_and_time_out(server, pki):
    hello = MemoryTls(pki.context()).hello
    before = handshake_errors(server)
    stalled = []
    try:
        for i in range(200):
            s = connect_socket(("127.0.0.1", server.port))
            if i % 2:
                s.sendall(hello[: len(hello) // 2])  # half a ClientHello: the server waits for the rest
            stalled.append(s)
        with tls_client(server, pki.context(), timeout=5) as canary:
            for i in range(100):
                assert canary.request(b"set hostile:%d 0 0 1\r\nx\r\n" % i) == b"STORED\r\n"
                assert canary.request(b"get hostile:%d\r\n" % i, b"END\r\n").endswith(b"END\r\n")
            wait_for(lambda: int(server_stats(server)["curr_connections"]) >= 201, 10, "every stalled client accepted")
            assert handshake_errors(server) == before  # pending is not failed
            # The server's clock passes the bound; the once-a-second check closes them all.
            assert canary.request(b"debug_advance_clock %d\r\n" % (HANDSHAKE_TIMEOUT + 1)) == b"OK\r\n"
            for s in stalled:
                assert closed_without_a_byte(s, timeout=15)
            wait_for_handshake_errors(server, before + 200)
            assert canary.request(b"version\r\n").startswith(b"VERSION ")  # established: not bounded
    finally:
        for s in stalled:
            s.close()
    assert handshake_errors(server) == before + 200


def test_a_server_stopping_closes_unfinished_handshakes(pki):
    with tls_serving(pki) as server:
        stalled = [connect_socket(("127.0.0.1", server.port)) for _ in range(20)]
        wait_for(lambda: int(server_stats(server)["curr_connections"]) >= 20, 10, "the stalled clients accepted")
    # serving() stopped it with SIGTERM and checked that it exited 0.
    for s in stalled:
        assert closed_without_a_byte(s, timeout=5)
        s.close()
