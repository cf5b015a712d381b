"""Malformed commands and random bytes get memcached's errors (or, for what memcached drops,
a closed connection), never crash the server, and never stop it serving anyone else."""

import os
import random
import socket
import threading

from server_helpers import serving

# Each line gets exactly one error line back, as from memcached 1.6.18.
MALFORMED = [
    (b"bogus\r\n", b"ERROR\r\n"),
    (b"\r\n", b"ERROR\r\n"),
    (b"\x01\x02\x03\xff\r\n", b"ERROR\r\n"),
    (b"get\r\n", b"ERROR\r\n"),
    (b"set k 0 0 x\r\n", b"CLIENT_ERROR bad command line format\r\n"),
    (b"set " + b"k" * 251 + b" 0 0 1\r\n", b"CLIENT_ERROR bad command line format\r\n"),
    (b"get " + b"k" * 251 + b"\r\n", b"CLIENT_ERROR bad command line format\r\n"),
    (b"incr k abc\r\n", b"CLIENT_ERROR invalid numeric delta argument\r\n"),
    (b"touch k x\r\n", b"CLIENT_ERROR invalid exptime argument\r\n"),
    (b"delete k 1\r\n", b"CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n"),
    (b"mg k !\r\n", b"CLIENT_ERROR invalid flag\r\n"),
    (b"ms k x\r\n", b"CLIENT_ERROR bad command line format\r\n"),
    (b"verbosity\r\n", b"ERROR\r\n"),
]


def test_a_flood_of_malformed_commands_gets_one_error_each_and_the_connection_goes_on(server, transport):
    rounds = 200
    with server.connect(transport) as c:
        c.send(b"".join(line for line, _ in MALFORMED) * rounds + b"version\r\n")
        for _ in range(rounds):
            for line, error in MALFORMED:
                assert c.read_line() == error, line
        assert c.read_line().startswith(b"VERSION ")


def random_garbage(rng, size):
    """Random bytes with newlines and command words sprinkled in, so the parser sees lines
    of every kind and not one endless line."""
    words = [b"get ", b"set ", b"mg ", b"ms ", b"incr ", b" 0 0 ", b" noreply", b"\r\n", b"\n", b"\r\n\r\n"]
    out = bytearray()
    while len(out) < size:
        if rng.random() < 0.3:
            out += rng.choice(words)
        else:
            out += bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 40)))
    # A first byte of 0x80 is the binary protocol's magic: memstripe closes at once.
    if out[0] == 0x80:
        out[0] = 0x81
    return bytes(out)


def test_random_bytes_from_many_clients_never_crash_or_block_the_server():
    with serving(["-m", "16"]) as server:
        errors = []
        sessions = []

        def hostile(n):
            rng = random.Random(n)
            for _ in range(5):
                try:
                    with server.connect("tcp" if n % 2 else "unix") as c:
                        c.send(random_garbage(rng, 64 * 1024))
                        c.sock.shutdown(socket.SHUT_WR)
                        # The server answers what it can and closes (it may be waiting for
                        # a data block the garbage announced, which the end of input cuts).
                        assert c.closed_by_peer(timeout=30)
                except (ConnectionResetError, BrokenPipeError):
                    pass  # closed early, as memcached closes a runaway line
                except Exception as e:
                    errors.append(e)
                sessions.append(n)

        threads = [threading.Thread(target=hostile, args=(n,)) for n in range(16)]
        for t in threads:
            t.start()
        # Meanwhile, and after, a well-behaved client on each transport is served.
        served = 0
        while any(t.is_alive() for t in threads) or served < 4:
            for transport in ("tcp", "unix"):
                with server.connect(transport) as c:
                    key = b"ok-%d" % served
                    value = os.urandom(100)
                    assert c.request(b"set %s 0 0 100\r\n%s\r\n" % (key, value)) == b"STORED\r\n"
                    assert c.request(b"get %s\r\n" % key, b"END\r\n") == b"VALUE %s 0 100\r\n%s\r\nEND\r\n" % (key, value)
                    served += 1
        for t in threads:
            t.join()
        assert not errors, errors
        assert len(sessions) == 16 * 5
        # serving() then checks that the server exits 0 with no sanitizer report.
