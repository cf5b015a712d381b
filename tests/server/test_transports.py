"""TCP and the UNIX socket are served at once by one process on one cache; over either,
requests may arrive pipelined, split at any byte, or as values as large as -I allows."""

import itertools
import os
import socket
import threading

import pytest

from server_helpers import serving, stats

_ids = itertools.count()


def unique(name):
    return f"{name}-{os.getpid()}-{next(_ids)}"


def set_command(key, value, flags=0, noreply=False):
    if isinstance(value, str):
        value = value.encode()
    tail = b" noreply" if noreply else b""
    return b"set %s %d 0 %d%s\r\n%s\r\n" % (key.encode(), flags, len(value), tail, value)


def get_reply(key, value, flags=0):
    if isinstance(value, str):
        value = value.encode()
    return b"VALUE %s %d %d\r\n%s\r\nEND\r\n" % (key.encode(), flags, len(value), value)


@pytest.mark.parametrize("writer,reader", [("tcp", "unix"), ("unix", "tcp")])
def test_a_value_stored_over_one_transport_is_read_over_the_other(server, writer, reader):
    key = unique("shared")
    with server.connect(writer) as w, server.connect(reader) as r:
        assert w.request(set_command(key, "hello")) == b"STORED\r\n"
        assert r.request(f"get {key}\r\n", b"END\r\n") == get_reply(key, "hello")
        assert r.request(f"delete {key}\r\n") == b"DELETED\r\n"
        assert w.request(f"get {key}\r\n", b"END\r\n") == b"END\r\n"


def test_clients_on_both_transports_at_once_share_one_cache(server):
    keys = [unique("many") for _ in range(16)]
    errors = []

    def client_work(i):
        try:
            with server.connect("tcp" if i % 2 else "unix") as c:
                assert c.request(set_command(keys[i], f"value-{i}")) == b"STORED\r\n"
        except Exception as e:  # reported below, in the test's thread
            errors.append(e)

    threads = [threading.Thread(target=client_work, args=(i,)) for i in range(len(keys))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for transport in ("tcp", "unix"):
        with server.connect(transport) as c:
            for i, key in enumerate(keys):
                assert c.request(f"get {key}\r\n", b"END\r\n") == get_reply(key, f"value-{i}")


def test_pipelined_commands_in_one_write_are_all_answered_in_order(client):
    keys = [unique("pipe") for _ in range(300)]
    batch = b"".join(set_command(k, f"v{i}") + f"get {k}\r\n".encode() for i, k in enumerate(keys))
    client.send(batch)
    for i, key in enumerate(keys):
        assert client.read_line() == b"STORED\r\n"
        assert client.read_until(b"END\r\n") == get_reply(key, f"v{i}")


def test_noreply_commands_send_nothing(client):
    key = unique("quiet")
    client.send(set_command(key, "shh", noreply=True) + f"delete {unique('absent')} noreply\r\n".encode() +
                f"get {key}\r\n".encode())
    # The first bytes back are the get's: the noreply commands said nothing.
    assert client.read_until(b"END\r\n") == get_reply(key, "shh")


def test_a_request_sent_one_byte_at_a_time_is_answered_once(client):
    key = unique("bytewise")
    request = set_command(key, "split at every byte") + f"get {key}\r\n".encode()
    for i in range(len(request)):
        client.send(request[i:i + 1])
    assert client.read_line() == b"STORED\r\n"
    assert client.read_until(b"END\r\n") == get_reply(key, "split at every byte")


def test_a_large_value_in_many_small_writes_arrives_intact(client):
    key = unique("chunks")
    value = os.urandom(300 * 1024)
    request = set_command(key, value)
    for start in range(0, len(request), 1000):
        client.send(request[start:start + 1000])
    assert client.read_line() == b"STORED\r\n"
    assert client.request(f"get {key}\r\n", b"END\r\n") == get_reply(key, value)


def test_many_large_values_in_one_pipeline_come_back_intact(client):
    values = {unique("big"): os.urandom(100 * 1024 + i) for i in range(12)}
    client.send(b"".join(set_command(k, v) for k, v in values.items()))
    for _ in values:
        assert client.read_line() == b"STORED\r\n"
    client.send(("get " + " ".join(values) + "\r\n").encode())
    expected = b"".join(b"VALUE %s 0 %d\r\n%s\r\n" % (k.encode(), len(v), v) for k, v in values.items())
    assert client.read_until(b"END\r\n") == expected + b"END\r\n"


def test_keys_of_250_bytes_work_and_longer_ones_are_refused(client):
    key = "k" * 249 + str(next(_ids) % 10)
    assert client.request(set_command(key, "x")) == b"STORED\r\n"
    assert client.request(f"get {key}\r\n", b"END\r\n") == get_reply(key, "x")
    assert client.request(f"get {'k' * 251}\r\n") == b"CLIENT_ERROR bad command line format\r\n"


@pytest.fixture(scope="module")
def two_megabyte_items():
    with serving(["-I", "2m", "-m", "64"]) as s:
        yield s


@pytest.mark.parametrize("key_length", [1, 250])
@pytest.mark.parametrize("flags", [0, 1])
def test_the_largest_value_that_dash_I_allows_is_stored_and_one_byte_more_is_refused(
        two_megabyte_items, transport, key_length, flags):
    # memcached's bound, exact: value + key <= I - 59, and 4 bytes less with flags.
    largest = 2 * 1024 * 1024 - 59 - key_length - (4 if flags else 0)
    key = (unique("I") * 250)[:key_length]
    value = os.urandom(largest)
    with two_megabyte_items.connect(transport) as c:
        assert c.request(set_command(key, value, flags)) == b"STORED\r\n"
        assert c.request(f"get {key}\r\n", b"END\r\n") == get_reply(key, value, flags)
        assert c.request(set_command(key, value + b"x", flags)) == b"SERVER_ERROR object too large for cache\r\n"
        assert c.request("version\r\n").startswith(b"VERSION ")  # the connection goes on


def test_bytes_read_and_written_are_counted(server, transport):
    with server.connect(transport) as c:
        before = stats(c)
        c.request("version\r\n")
        after = stats(c)
    # Between the two snapshots: "version\r\n" and "stats\r\n" in, the VERSION line and the
    # first stats reply out.
    assert int(after["bytes_read"]) - int(before["bytes_read"]) >= len("version\r\nstats\r\n")
    assert int(after["bytes_written"]) > int(before["bytes_written"])


def test_a_client_that_half_closes_after_its_requests_still_gets_every_reply(server, transport):
    key = unique("halfclose")
    value = os.urandom(256 * 1024)
    with server.connect(transport) as c:
        assert c.request(set_command(key, value)) == b"STORED\r\n"
        # 5 MiB of replies: more than the socket buffers hold when the end of input arrives.
        c.send(f"get {key}\r\n".encode() * 20)
        c.sock.shutdown(socket.SHUT_WR)
        for _ in range(20):
            assert c.read_until(b"END\r\n") == get_reply(key, value)
        assert c.closed_by_peer()


def test_a_get_line_far_longer_than_the_read_buffer_is_answered(client):
    key = unique("longline")
    assert client.request(set_command(key, "found")) == b"STORED\r\n"
    # 20,000 keys: a 300 KB command line, many times the 16 KiB read buffer.
    misses = [f"miss-{i:06d}" for i in range(20000)]
    client.send(("get " + " ".join(misses[:10000] + [key] + misses[10000:]) + "\r\n").encode())
    assert client.read_until(b"END\r\n") == get_reply(key, "found")


def test_a_runaway_line_closes_only_its_own_connection(server, transport):
    with server.connect(transport) as bystander, server.connect(transport) as runaway:
        runaway.send(b"x" * 4096)  # no newline, and not a get: memcached drops the client
        assert runaway.closed_by_peer()
        assert bystander.request("version\r\n").startswith(b"VERSION ")


def test_an_endless_get_line_closes_its_connection_and_nothing_else(server, transport):
    # get lines may run past memcached's 2048-byte line limit, but not without end: the
    # session stops at 1 MiB, the server's buffer at 8 MiB.
    with server.connect(transport) as c:
        try:
            c.send(b"get " + b"k " * (5 * 1024 * 1024))  # 10 MiB of keys, no end of line
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending: what this test expects
        assert c.closed_by_peer()
    with server.connect(transport) as c:
        assert c.request("version\r\n").startswith(b"VERSION ")
