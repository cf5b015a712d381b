"""memstripe against memcached 1.6.18 on random command streams, classic and meta mixed, as a
new user would try them: each stream is sent one command at a time to both servers (each
closed by `mn`, read to its `MN`), and every reply must be byte for byte memcached's, CAS
uniques numbered in order of first appearance. A command that sends a CAS back names one of
the CAS uniques its server has answered so far, by its number, so both servers get theirs.

Streams come from fixed seeds, so a failure is reproducible: the test prints the stream up
to the first difference. What memcached does differently depending on time (TTLs shown by
`t`, ages by `l`) or on whether an earlier reply in the same read still holds the item
(ma's in-place update), and the README's deliberate deviations, are left out of the
generator."""

import random
import re

import pytest

from harness import ServerProcess

KEYS = [b"k%d" % i for i in range(6)] + [b"user/42"]
VALUES = [b"", b"x", b"12", b"hello", b"99", b"v" * 40]
CAS_NUMBER = re.compile(rb"(?<=[ c=])(\d{1,20})(?=[\r ])")
STREAMS = 40
COMMANDS = 120


@pytest.fixture(scope="module")
def servers():
    features_off = ["-o", "no_lru_crawler,no_lru_maintainer,no_slab_reassign", "-W"]
    with ServerProcess("memcached", features_off, unix=False) as memcached, \
            ServerProcess("memstripe", unix=False) as memstripe:
        yield memcached, memstripe


class Peer:
    """One server's side of a stream: its connection and the CAS uniques it has shown."""

    def __init__(self, server):
        self.client = server.connect("tcp")
        self.cas = []

    def run(self, command):
        """Sends the command (with {casN} filled in from this server's CAS uniques) and
        returns its replies, CAS uniques replaced by their numbers."""
        def fill(m):
            i = int(m.group(1))
            return self.cas[i] if i < len(self.cas) else b"1"
        self.client.send(re.sub(rb"\{cas(\d+)\}", fill, command) + b"mn\r\n")
        # A stream's own `mn` answers MN too: reading only to the first one would leave this
        # command's replies unread, and the next test's flush_all could race with them.
        reply = b""
        for _ in range(command.split(b"\r\n").count(b"mn") + 1):
            reply += self.client.read_until(b"MN\r\n")
        return self.masked(reply[:-4])

    def masked(self, reply):
        out = []
        for line in reply.split(b"\r\n"):
            if line.startswith((b"VALUE ", b"VA ", b"HD", b"EX", b"NS", b"NF", b"EN", b"ME ")):
                parts = line.split(b" ")
                for i, part in enumerate(parts):
                    number = None
                    if line.startswith(b"VALUE ") and i == 4:
                        number = part
                    elif not line.startswith(b"VALUE ") and part.startswith(b"c") and part[1:].isdigit():
                        number = part[1:]
                    if number is not None:
                        if number not in self.cas:
                            self.cas.append(number)
                        parts[i] = (b"c" if not line.startswith(b"VALUE ") else b"") + b"<cas%d>" % self.cas.index(number)
                line = b" ".join(parts)
            out.append(line)
        return b"\r\n".join(out)


def random_command(r, cas_seen):
    key = r.choice(KEYS)
    value = r.choice(VALUES)
    cas = b"{cas%d}" % r.randrange(cas_seen + 1) if r.random() < 0.8 else b"%d" % r.randrange(1, 50)
    kind = r.randrange(14)
    if kind == 0:
        cmd = r.choice([b"set", b"add", b"replace", b"append", b"prepend"])
        return b"%s %s %d 0 %d\r\n%s\r\n" % (cmd, key, r.randrange(3), len(value), value)
    if kind == 1:
        return b"cas %s 0 0 %d %s\r\n%s\r\n" % (key, len(value), cas, value)
    if kind == 2:
        return b"%s %s\r\n" % (r.choice([b"get", b"gets"]), b" ".join(r.sample(KEYS, r.randrange(1, 4))))
    if kind == 3:
        return b"delete %s\r\n" % key
    if kind == 4:
        return b"%s %s %d\r\n" % (r.choice([b"incr", b"decr"]), key, r.randrange(20))
    if kind == 5:
        return b"touch %s 1000\r\n" % key
    if kind in (6, 7):
        flags = r.sample([b"v", b"k", b"c", b"f", b"s", b"h", b"q", b"O7", b"u"], r.randrange(0, 5))
        if r.random() < 0.2:
            flags.append(b"N1000")
        if r.random() < 0.1:
            flags.append(b"T1000")
        return b"mg %s %s\r\n" % (key, b" ".join(flags))
    if kind == 8:
        flags = r.sample([b"c", b"k", b"q", b"O3", b"F5", b"T1000", b"I", b"C" + cas], r.randrange(0, 4))
        mode = r.choice([b"", b"ME", b"MA", b"MP", b"MR", b"MS"])
        if mode:
            flags.append(mode)
        return b"ms %s %d %s\r\n%s\r\n" % (key, len(value), b" ".join(flags), value)
    if kind == 9:
        flags = r.sample([b"q", b"k", b"O9", b"I", b"T1000", b"C" + cas], r.randrange(0, 3))
        return b"md %s %s\r\n" % (key, b" ".join(flags))
    if kind == 10:
        flags = r.sample([b"v", b"q", b"N1000", b"J13", b"D3", b"MD", b"c", b"k"], r.randrange(0, 4))
        return b"ma %s %s\r\n" % (key, b" ".join(flags))
    if kind == 11:
        return b"mn\r\n"
    if kind == 12:
        return b"flush_all\r\n" if r.random() < 0.2 else b"mg %s v c\r\n" % key
    return b"ms %s %d I C%s\r\n%s\r\n" % (key, len(value), cas, value)


@pytest.mark.parametrize("seed", range(STREAMS))
def test_a_random_stream_gets_memcached_s_replies(servers, seed):
    memcached, memstripe = servers
    r = random.Random(seed)
    a, b = Peer(memcached), Peer(memstripe)
    try:
        for peer in (a, b):
            peer.client.send(b"flush_all\r\n")
            assert peer.client.read_line() == b"OK\r\n"
        sent = []
        for _ in range(COMMANDS):
            command = random_command(r, len(a.cas))
            sent.append(command)
            want, got = a.run(command), b.run(command)
            assert got == want, b"".join(sent).decode(errors="replace")
    finally:
        a.client.close()
        b.client.close()
