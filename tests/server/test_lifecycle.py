"""Stopping: SIGTERM and SIGINT stop accepting, let the replies already made reach their
clients, close every connection and exit 0; -A's `shutdown` does the same. Idle
connections are closed after -o idle_timeout."""

import os
import select
import signal
import socket

import pytest

from harness import ServerProcess, wait_for
from server_helpers import serving

VALUE_SIZE = 1024 * 1024


def set_big_value(client, key):
    value = os.urandom(VALUE_SIZE)
    assert client.request(b"set %s 0 0 %d\r\n%s\r\n" % (key, len(value), value)) == b"STORED\r\n"
    return b"VALUE %s 0 %d\r\n%s\r\nEND\r\n" % (key, len(value), value)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_sends_the_replies_in_flight_then_exits_0(transport, sig):
    server = ServerProcess("memstripe", args=["-m", "64", "-I", "2m"]).start()
    try:
        with server.connect(transport) as c:
            reply = set_big_value(c, b"inflight")
            count = 12  # 12 MiB of replies: more than the socket buffers hold
            c.send(b"get inflight\r\n" * count)
            # The server has read the requests once their replies start arriving.
            readable, _, _ = select.select([c.sock], [], [], 20)
            assert readable
            server.proc.send_signal(sig)
            for _ in range(count):
                assert c.read_exact(len(reply)) == reply
            assert c.closed_by_peer()
        assert server.proc.wait(20) == 0
    finally:
        server.stop()


def test_stopping_closes_idle_connections_and_refuses_new_ones(transport):
    server = ServerProcess("memstripe").start()
    try:
        idle = server.connect(transport)
        assert idle.request("version\r\n").startswith(b"VERSION ")
        server.proc.send_signal(signal.SIGTERM)
        assert idle.closed_by_peer()
        assert server.proc.wait(20) == 0
        with pytest.raises(OSError):
            server.connect(transport)
    finally:
        server.stop()


def test_shutdown_command_with_dash_A_stops_the_server_with_status_0(transport):
    server = ServerProcess("memstripe", args=["-A"]).start()
    try:
        with server.connect(transport) as c:
            c.send("shutdown\r\n")
            assert c.closed_by_peer()
        assert server.proc.wait(20) == 0
    finally:
        server.stop()


def test_shutdown_command_without_dash_A_is_refused(server, transport):
    with server.connect(transport) as c:
        assert c.request("shutdown\r\n") == b"ERROR: shutdown not enabled\r\n"
        assert c.request("version\r\n").startswith(b"VERSION ")


def test_idle_connections_are_closed_after_idle_timeout(transport):
    with serving(["-o", "idle_timeout=1"]) as server:
        with server.connect(transport) as idle:
            assert idle.request("version\r\n").startswith(b"VERSION ")
            # Closed within a few ticks of the server's one-second timer.
            assert idle.closed_by_peer(timeout=10)


def test_without_idle_timeout_an_idle_connection_stays_open(server, transport):
    with server.connect(transport) as c:
        assert c.request("version\r\n").startswith(b"VERSION ")
        c.sock.settimeout(2.5)
        with pytest.raises(socket.timeout):
            c.sock.recv(1)
        assert c.request("version\r\n").startswith(b"VERSION ")


def test_sighup_reopens_the_log_file(tmp_path):
    log = tmp_path / "memstripe.log"
    with serving(["--logfile", str(log)]) as server:
        wait_for(lambda: log.exists() and "listening on" in log.read_text(), 10, "the log file")
        os.rename(log, tmp_path / "memstripe.log.1")  # what logrotate does
        server.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: log.exists() and "log file reopened" in log.read_text(), 10, "a new log file")
        assert server.proc.poll() is None


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGUSR1])
def test_a_stop_signal_sent_the_moment_the_port_file_appears_stops_cleanly(sig):
    # A supervisor may signal as soon as the port (or pid) file exists: before the server
    # runs its loop. The signal waits, pending, and the server stops as for any other.
    for _ in range(5):
        server = ServerProcess("memstripe").start()
        try:
            server.proc.send_signal(sig)
            assert server.proc.wait(20) == 0, server.log()
            assert f"{signal.Signals(sig).name}: stopping" in server.log()
        finally:
            server.stop()


def test_a_hangup_sent_the_moment_the_port_file_appears_reopens_the_log_and_serves_on(tmp_path, transport):
    log = tmp_path / "memstripe.log"
    server = ServerProcess("memstripe", args=["--logfile", str(log)]).start()
    try:
        server.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: "log file reopened" in log.read_text(), 10, "the hangup to be read")
        with server.connect(transport) as c:
            assert c.request("version\r\n").startswith(b"VERSION ")
        assert server.stop() == 0
    finally:
        server.stop()
