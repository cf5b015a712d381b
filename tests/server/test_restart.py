"""Stopping under load and starting again: SIGTERM while many clients on both transports
keep sending answers every request the server read (each client receives whole replies,
in order, to a prefix of what it sent, and nothing after the last whole one), then exits 0;
a new instance binds the same port and socket path at once (SO_REUSEADDR, no stale socket),
after a clean stop and after a crash."""

import os
import selectors
import signal
import socket
import time

import pytest

from server_helpers import Started, serving

CLIENTS = 12
VALUE = b"v" * 1000


def request(client, i):
    key = b"k%d-%d" % (client, i)
    return (b"set %s 0 0 %d\r\n%s\r\nget %s\r\n" % (key, len(VALUE), VALUE, key),
            b"STORED\r\nVALUE %s 0 %d\r\n%s\r\nEND\r\n" % (key, len(VALUE), VALUE))


class LoadClient:
    """Sends request after request without waiting for replies, and keeps every byte it
    receives, until the server ends the connection."""

    def __init__(self, sock, number):
        self.sock = sock
        self.number = number
        self.sock.setblocking(False)
        self.sent_requests = 0
        self.out = b""
        self.received = bytearray()
        self.ended_by = None  # "eof" or "reset"
        self.reset_on_send = False

    def fill(self):
        while len(self.out) < 64 * 1024:
            data, _ = request(self.number, self.sent_requests)
            self.out += data
            self.sent_requests += 1

    def on_writable(self):
        self.fill()
        try:
            n = self.sock.send(self.out)
            self.out = self.out[n:]
        except BlockingIOError:
            pass
        except (BrokenPipeError, ConnectionResetError):
            self.reset_on_send = True  # the reading side will see the end

    def on_readable(self):
        try:
            chunk = self.sock.recv(1 << 16)
        except BlockingIOError:
            return
        except ConnectionResetError:
            self.ended_by = "reset"
            return
        if not chunk:
            self.ended_by = "reset" if self.reset_on_send else "eof"
            return
        self.received += chunk

    def whole_replies(self):
        """How many replies arrived; fails on a wrong or partial one."""
        at = 0
        count = 0
        while at < len(self.received):
            _, expected = request(self.number, count)
            got = bytes(self.received[at:at + len(expected)])
            assert got == expected[:len(got)], f"client {self.number}: reply {count} is wrong"
            assert len(got) == len(expected), (
                f"client {self.number}: reply {count} cut short after {len(got)} of {len(expected)} bytes "
                f"(connection ended by {self.ended_by})")
            at += len(expected)
            count += 1
        return count


# Over TCP this needs care from the server: closing a socket while the client is still
# sending makes the kernel answer with a reset, which throws away the replies still on
# their way; the server sends its FIN and drops what still arrives until the client ends.
@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_sigterm_under_load_answers_every_request_it_read_then_exits_0(transport):
    with serving(["-t", "2"]) as server:
        selector = selectors.DefaultSelector()
        clients = []
        for i in range(CLIENTS):
            c = LoadClient(server.connect(transport).sock, i)
            clients.append(c)
            selector.register(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
        signalled = False
        deadline = time.monotonic() + 60
        while any(c.ended_by is None for c in clients):
            assert time.monotonic() < deadline, "the server did not end every connection after SIGTERM"
            for key, events in selector.select(timeout=1):
                c = key.data
                if events & selectors.EVENT_READ:
                    c.on_readable()
                if c.ended_by is not None:
                    selector.unregister(c.sock)
                    continue
                if events & selectors.EVENT_WRITE:
                    c.on_writable()
            if not signalled and all(len(c.received) > 100 * len(request(c.number, 0)[1]) for c in clients):
                server.proc.send_signal(signal.SIGTERM)  # mid-stream, every client busy
                signalled = True
        assert signalled
        for c in clients:
            answered = c.whole_replies()
            assert answered >= 100
            assert answered <= c.sent_requests
            c.sock.close()
        assert server.proc.wait(30) == 0
        # serving() checks the exit status and the log for sanitizer reports.


def start_on(tmp_path, name, port, sock):
    directory = tmp_path / name
    directory.mkdir()
    return Started(["-p", str(port), "-l", "127.0.0.1", "-s", sock], directory).wait_until_listening()


def answers(port, sock):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"version\r\n")
        assert s.recv(100).startswith(b"VERSION ")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(sock)
        s.sendall(b"version\r\n")
        assert s.recv(100).startswith(b"VERSION ")
    return True


def busy_then_stopped(server, port, sig):
    # Connections the server closes leave its side of them in TIME_WAIT on the port.
    clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(20)]
    for c in clients:
        c.sendall(b"version\r\n")
        assert c.recv(100).startswith(b"VERSION ")
    code = server.stop(sig)
    for c in clients:
        c.close()
    return code


def test_a_restarted_server_binds_the_same_port_and_socket_at_once(tmp_path):
    sock = str(tmp_path / "same.sock")
    first = start_on(tmp_path, "first", -1, sock)
    [port] = first.tcp_ports()
    assert answers(port, sock)
    assert busy_then_stopped(first, port, signal.SIGTERM) == 0
    assert not os.path.exists(sock)
    with start_on(tmp_path, "second", port, sock) as second:
        assert second.tcp_ports() == [port]
        assert answers(port, sock)


def test_a_server_restarted_after_a_crash_replaces_its_socket_and_binds_at_once(tmp_path):
    sock = str(tmp_path / "crash.sock")
    first = start_on(tmp_path, "first", -1, sock)
    [port] = first.tcp_ports()
    assert busy_then_stopped(first, port, signal.SIGKILL) == -signal.SIGKILL
    assert os.path.exists(sock)  # what a crash leaves behind
    with start_on(tmp_path, "second", port, sock) as second:
        assert answers(port, sock)
