"""The binary protocol end to end, over TCP and the UNIX socket of one memstripe: a value of
a megabyte read straight from the socket into its item, the quiet multi-get every binary
client sends, one cache seen through the text and the binary protocol, and -B."""

import pytest

from binary_frames import frame, parse, set_extras
from harness import ServerProcess

END = 0xE0D
MEGABYTE = bytes(range(256)) * 4000  # 1,024,000 bytes


def packets(client, frames):
    client.send(b"".join(frames) + frame("noop", opaque=END))
    replies, rest = parse(client.read_binary_until(END))
    assert rest == b""
    return replies[:-1]


def test_a_megabyte_value_round_trips(server, transport):
    with server.connect(transport) as c:
        # Sent in pieces, so that the server reads most of the value straight into the item.
        request = frame("set", "mb", set_extras(9), MEGABYTE)
        for i in range(0, len(request), 65536):
            c.send(request[i:i + 65536])
        (stored,) = packets(c, [])
        assert stored.status == 0
        (got,) = packets(c, [frame("getk", "mb")])
        assert (got.flags, got.key, got.value, got.cas) == (9, b"mb", MEGABYTE, stored.cas)


def test_a_quiet_multi_get_answers_hits_and_the_noop(server, transport):
    with server.connect(transport) as c:
        packets(c, [frame("setq", f"q{i}", set_extras(i), f"v{i}") for i in range(0, 100, 2)])
        hits = packets(c, [frame("getkq", f"q{i}", opaque=i) for i in range(100)])
        assert [(p.key, p.value, p.flags, p.opaque) for p in hits] == [
            (f"q{i}".encode(), f"v{i}".encode(), i, i) for i in range(0, 100, 2)]


def test_text_and_binary_see_one_cache_across_transports(server):
    with server.connect("tcp") as binary, server.connect("unix") as text:
        (stored,) = packets(binary, [frame("set", "both", set_extras(5), "bin")])
        assert text.request(b"gets both\r\n", b"END\r\n") == b"VALUE both 5 3 %d\r\nbin\r\nEND\r\n" % stored.cas
        assert text.request(b"set both 7 0 4\r\ntext\r\n") == b"STORED\r\n"
        (got,) = packets(binary, [frame("get", "both")])
        assert (got.flags, got.value) == (7, b"text")


def test_binary_gets_count_as_gets(server, transport):
    def cmd_get():
        with server.connect(transport) as c:
            return {p.key: p.value for p in packets(c, [frame("stat")])}[b"cmd_get"]
    before = int(cmd_get())
    with server.connect(transport) as c:
        packets(c, [frame("get", "nothing"), frame("getkq", "nothing")])
    assert int(cmd_get()) == before + 2


@pytest.fixture(scope="module")
def ascii_only():
    with ServerProcess("memstripe", ["-B", "ascii"]) as s:
        yield s


@pytest.fixture(scope="module")
def binary_only():
    with ServerProcess("memstripe", ["-B", "binary"]) as s:
        yield s


def test_ascii_binding_reads_binary_as_text(ascii_only, transport):
    with ascii_only.connect(transport) as c:
        c.send(frame("noop") + b"version\r\n")
        assert c.read_until(b"ERROR\r\nERROR\r\n") == b"ERROR\r\nERROR\r\n"
        assert c.request(b"version\r\n") == b"VERSION 1.6.18\r\n"


def test_binary_binding_closes_a_text_client(binary_only, transport):
    with binary_only.connect(transport) as c:
        c.send(b"set k 0 0 1\r\nx\r\nget k\r\nversion\r\n")
        assert c.read_to_close() == b""
    with binary_only.connect(transport) as c:
        assert packets(c, [frame("version")])[0].value == b"1.6.18"
