"""A client that sends requests but does not read the replies stops being read once its
unsent replies pass a bound (so it cannot grow the server's memory without limit), is
read again once it catches up, and never holds up other clients."""

import itertools
import os
import select


_ids = itertools.count()
VALUE_SIZE = 256 * 1024


def store_value(server, transport):
    key = f"backpressure-{os.getpid()}-{next(_ids)}"
    value = os.urandom(VALUE_SIZE)
    with server.connect(transport) as c:
        assert c.request(b"set %s 0 0 %d\r\n%s\r\n" % (key.encode(), len(value), value)) == b"STORED\r\n"
    return key, b"VALUE %s 0 %d\r\n%s\r\nEND\r\n" % (key.encode(), len(value), value)


def test_a_client_that_never_reads_its_replies_stops_being_read(server, transport):
    key, reply = store_value(server, transport)
    hog = server.connect(transport)
    try:
        hog.sock.setblocking(False)
        chunk = f"get {key}\r\n".encode() * 1024
        sent = 0
        # Were every request read, these would queue gigabytes of replies; the kernel's
        # socket buffers alone hold a few megabytes.
        while sent < 64 * 1024 * 1024:
            try:
                sent += hog.sock.send(chunk)
                continue
            except BlockingIOError:
                pass
            # Full for now. If the server still read, room would come back.
            _, writable, _ = select.select([], [hog.sock], [], 1.0)
            if not writable:
                break
        assert sent < 64 * 1024 * 1024, "the server kept reading a client that reads nothing"

        # Others are served meanwhile, on both transports.
        for other_transport in ("tcp", "unix"):
            with server.connect(other_transport) as other:
                assert other.request("version\r\n").startswith(b"VERSION ")

        # The replies already made are intact and in order.
        hog.sock.setblocking(True)
        hog.sock.settimeout(20)
        for _ in range(20):
            assert hog.read_exact(len(reply)) == reply
    finally:
        hog.close()


def test_a_client_that_catches_up_is_read_again(server, transport):
    key, reply = store_value(server, transport)
    count = 60  # 15 MiB of replies: far past the point where reading stops
    with server.connect(transport) as c:
        c.send(f"get {key}\r\n".encode() * count + b"version\r\n")
        for _ in range(count):
            assert c.read_exact(len(reply)) == reply
        # The last request was read only after the replies before it drained.
        assert c.read_line().startswith(b"VERSION ")
