"""memstripe answers the classic text protocol byte for byte as memcached 1.6.18 does.

Each case is sent, on a fresh connection, to Debian's memcached (run without the
machinery memstripe does not have: slab reassignment, the LRU maintainer and crawler,
watchers) and to memstripe; the bytes each sends back (and whether it closes the
connection) must be the same. CAS uniques differ between servers and are masked. The
deliberate deviations (README) are not in this list; tests/protocol/session_*_test.cc pin
memstripe's side of them."""

import re
import socket

import pytest

from harness import ServerProcess

SENTINEL_SET = b"set __conformance__ 0 0 8\r\nS3NT1NEL\r\nget __conformance__\r\n"
SENTINEL_REPLY = b"S3NT1NEL\r\nEND\r\n"
K250 = b"k" * 250
K251 = b"k" * 251
BIG = 2 * 1024 * 1024

CASES = {
    # Storage commands.
    "set_then_get": b"set a 5 0 5\r\nhello\r\nget a\r\n",
    "data_block_holds_crlf": b"set a 0 0 6\r\nab\r\ncd\r\nget a\r\n",
    "empty_value": b"set e 0 0 0\r\n\r\nget e\r\nincr e 1\r\n",
    "add_replace_append_prepend": b"append a 0 0 1\r\nx\r\nadd a 5 0 1\r\nx\r\nadd a 0 0 1\r\ny\r\n"
                                  b"replace zz 0 0 1\r\nx\r\nappend a 7 0 2\r\nyz\r\nprepend a 9 0 2\r\nuv\r\nget a\r\n",
    "cas_errors": b"set a 0 0 1\r\nx\r\ncas a 0 0 1 999\r\ny\r\ncas b 0 0 1 1\r\ny\r\ncas a 0 0 1\r\ny\r\n"
                  b"cas a 0 0 1 x\r\ny\r\ncas a 0 0 1 1 noreply\r\ny\r\ncas a 0 0 1 1 garbage\r\nz\r\n"
                  b"cas a 0 0 1 1 noreply x\r\ny\r\ncas a 0 0 1 0\r\ny\r\n",
    "noreply_storage": b"set a 0 0 1 noreply\r\nx\r\nadd a 0 0 1 noreply\r\ny\r\nreplace zz 0 0 1 noreply\r\ny\r\n"
                       b"append a 0 0 1 noreply\r\nb\r\nprepend a 0 0 1 noreply\r\nc\r\nget a\r\n"
                       b"set " + K251 + b" 0 0 1 noreply\r\nx\r\n",
    "storage_line_errors": b"set " + K251 + b" 0 0 1\r\nx\r\nset a x 0 1\r\nx\r\nset a 0 x 1\r\nx\r\n"
                           b"set a 0 0 x\r\nx\r\nset a 0 0 -1\r\nx\r\nset a 0 0 1 noreply extra\r\nx\r\n"
                           b"set a 0 0 1 garbage\r\nx\r\nset a 0 0\r\nx\r\nset a 0 0 2147483646\r\n"
                           b"set a 0 0 4294967295\r\n",
    "numbers_truncate": b"set a 4294967296 0 1\r\nx\r\nget a\r\nset a 18446744073709551615 0 1\r\nx\r\nget a\r\n"
                        b"set a -1 0 1\r\nx\r\nset a 0 0 4294967297\r\nx\r\nget a\r\nset a 0 4294967296 1\r\ny\r\n"
                        b"get a\r\nset a 0 4294967295 1\r\nz\r\nget a\r\nset a 0 -1 1\r\nz\r\nget a\r\n"
                        b"set a +5 0 1\r\nx\r\nget a\r\nset a \t5 0 1\r\nx\r\nget a\r\nset a 5\tz 0 1\r\ny\r\nget a\r\n"
                        b"set a -0 0 1\r\nx\r\nget a\r\nset a -18446744073709551615 0 1\r\ny\r\nget a\r\n",
    "exptime_out_of_range": b"set a 0 9223372036854775808 1\r\nx\r\nset a 0 -9223372036854775808 1\r\ny\r\nget a\r\n",
    "bad_data_chunk": b"set a 0 0 3\r\nabcde\r\nget a\r\nset a 0 0 3\r\nab\r\n\r\nset a 0 0 1\r\nx\nget a\r\n"
                      b"set a 0 0 3 noreply\r\nabcde\r\nset a 0 0 0\r\nxy\r\n",
    "too_large_set_drops_old_value": b"set a 0 0 1\r\nx\r\nset a 0 0 %d\r\n" % BIG + b"y" * BIG + b"\r\nget a\r\n"
                                     b"set b 0 0 1\r\nx\r\nset b 0 0 %d noreply\r\n" % BIG + b"y" * BIG + b"\r\nget b\r\n",
    "too_large_other_modes_keep_old_value": b"set a 0 0 1\r\nx\r\n" + b"".join(
        cmd + b" a 0 0 %d\r\n" % BIG + b"y" * BIG + b"\r\nget a\r\n" for cmd in (b"add", b"replace", b"append", b"prepend")),
    "large_value_roundtrip": b"set big 3 0 100000\r\n" + bytes(range(256)) * 390 + b"x" * 160 + b"\r\nget big big\r\n",
    # Retrieval.
    "get_variants": b"set a 1 0 1\r\nA\r\nget a a\r\nget\r\ngets\r\nget b\r\nget a b a\r\nget " + K250 + b"\r\n"
                    b"get a " + K251 + b" a\r\nget a\r\nbget a\r\nget noreply\r\n",
    "gat_variants": b"set a 1 0 1\r\nA\r\ngat 100 a\r\ngat x a\r\ngat 100\r\ngats\r\ngat -1 a\r\nget a\r\n"
                    b"set a 0 0 1\r\nx\r\ngat 0 a noreply\r\n",
    "gets_masks_cas": b"set a 1 0 1\r\nA\r\ngets a\r\ngats 100 a b\r\n",
    # (One refused multi-get per case: memcached sometimes drops the replies of commands
    # pipelined before one, a bug memstripe does not copy.)
    "many_keys": b"set a 0 0 1\r\nx\r\nget " + b"b " * 30 + b"a\r\nget " + b"a " * 30 + K251 + b"\r\n",
    "long_key_first_of_many": b"get " + K251 + b" " + b"a " * 30 + b"\r\n",
    "odd_keys": b"set a\tb 0 0 1\r\nx\r\nget a\tb\r\nget a\r\nset \x01\x80\xff 0 0 1\r\nx\r\nget \x01\x80\xff\r\n"
                b"set a\rb 0 0 1\r\nx\r\nget a\rb\r\nget a\r\r\n",
    # Key commands.
    "delete_variants": b"set a 0 0 1\r\nx\r\ndelete a 0\r\ndelete a\r\ndelete a noreply\r\ndelete a 1\r\n"
                       b"delete " + K251 + b"\r\ndelete " + K251 + b" 1\r\ndelete a 0 x\r\ndelete a x noreply\r\n"
                       b"delete a x y z\r\ndelete\r\n",
    "incr_variants": b"set n 0 0 2\r\n10\r\nincr n\r\nincr n -1\r\nincr n 18446744073709551616\r\nincr n abc\r\n"
                     b"incr n 5\r\ndecr n 100\r\nincr nx 1\r\nincr n 1 noreply\r\nincr n 1 x\r\nincr n 1 x y\r\n"
                     b"set t 0 0 2\r\nab\r\nincr t 1\r\nincr t 1 noreply\r\nincr " + K251 + b" 1\r\nincr n +3\r\n"
                     b"incr n  \t4\r\nincr n 5\t\r\nincr n 5x\r\n",
    "incr_wraps_and_decr_pads": b"set n 0 0 20\r\n18446744073709551615\r\nincr n 2\r\nset m 0 0 3\r\n100\r\n"
                                b"decr m 1\r\nget m\r\ndecr m 200\r\nget m\r\n",
    "touch_variants": b"set a 0 0 1\r\nx\r\ntouch a\r\ntouch a x\r\ntouch a 10\r\ntouch b 10\r\n"
                      b"touch a 10 noreply\r\ntouch a 10 zz\r\ntouch " + K251 + b" 1\r\ntouch a -1\r\nget a\r\n",
    # Administration.
    "flush_variants": b"set a 0 0 1\r\nx\r\nflush_all\r\nget a\r\nflush_all 0\r\nflush_all noreply\r\n"
                      b"flush_all garbage\r\nflush_all 0 garbage\r\nflush_all 1 2 3\r\nflush_all -1\r\n"
                      b"flush_all noreply x\r\n",
    "verbosity": b"verbosity\r\nverbosity 1\r\nverbosity x\r\nverbosity 1 noreply\r\nverbosity 1 2\r\n"
                 b"verbosity 1 2 3\r\nverbosity noreply\r\nverbosity 5\r\nverbosity -1\r\nverbosity 0\r\n",
    "cache_memlimit": b"cache_memlimit\r\ncache_memlimit 5\r\ncache_memlimit 100\r\ncache_memlimit x\r\n"
                      b"cache_memlimit 2000000000\r\ncache_memlimit 64 noreply\r\ncache_memlimit 8 9\r\n"
                      b"cache_memlimit 1 2 3\r\ncache_memlimit -1\r\ncache_memlimit 64\r\n",
    "shutdown_not_enabled": b"shutdown\r\nshutdown graceful\r\nshutdown x\r\n",
    "slabs": b"slabs\r\nslabs reassign 1 2\r\nslabs reassign x 2\r\nslabs automove 1\r\nslabs automove 3\r\n"
             b"slabs automove x\r\nslabs automove ratio 0.5\r\nslabs automove ratio\r\nslabs foo\r\n"
             b"slabs automove 0 noreply\r\nslabs automove 1\r\n",
    "lru": b"lru\r\nlru tune 10 25 0.1 2.0\r\nlru tune 50 50 0.1 2.0\r\nlru tune 10 25 0 2.0\r\n"
           b"lru tune x 25 0.1 2.0\r\nlru mode flat\r\nlru mode x\r\nlru temp_ttl 10\r\nlru foo\r\n"
           b"lru tune 10 25 0.1 2.0 noreply\r\n",
    "lru_crawler": b"lru_crawler\r\nlru_crawler crawl all\r\nlru_crawler tocrawl 10\r\nlru_crawler tocrawl x\r\n"
                   b"lru_crawler sleep 10\r\nlru_crawler sleep 2000000\r\nlru_crawler sleep x\r\nlru_crawler foo\r\n"
                   b"lru_crawler crawl 1 2\r\nlru_crawler crawl 999\r\nlru_crawler enable\r\nlru_crawler disable\r\n",
    "watch_refused": b"watch\r\nwatch fetchers\r\nwatch noreply\r\n",
    "stats_subcommand_errors": b"stats detail\r\nstats detail on\r\nstats detail dump\r\nstats detail off\r\n"
                               b"stats detail x\r\nstats cachedump 1\r\nstats cachedump 64 1\r\n"
                               b"stats cachedump -1 1\r\nstats cachedump 1 x\r\nstats sizes\r\nstats foo\r\n"
                               b"stats reset\r\n",
    # Lines and connections.
    "unknown_and_empty_lines": b"x\r\nxx\r\nfoo bar\r\n\r\n\n \r\n  version\r\nversion extra\r\nVERSION\r\n"
                               b"\r\r\nversion\r\r\nversion \r\n",
    "bare_newlines": b"set a 0 0 1\nx\r\nget a\nversion\n",
    "tab_is_not_a_separator": b"get\ta\r\nversion\t\r\n",
    "nul_ends_the_line": b"set a 0 0 1\r\nx\r\nget a\x00b c\r\nversion\x00junk\r\n",
    "http_inside_a_command_branch": b"get / HTTP/1.1\r\ngxx / HTTP/1.1\r\nsxx HTTP/1.1\r\nmz HTTP/1.1\r\n"
                                    b"X HTTP/1.1\r\nfoo HTTP/1.1 x\r\nfoo / http/1.1\r\nreplace a HTTP/1.1\r\n",
    "too_many_tokens": b"set a 0 0 1 " + b"x " * 30 + b"\r\nfoo " + b"x " * 22 + b"HTTP/1.1 y\r\n",
    "long_line_with_newline": b"x" * 3000 + b"\r\nversion\r\n",
    "pipeline": b"".join(b"set k%d 0 0 2\r\nv%d\r\n" % (i, i % 10) for i in range(50))
                + b"get " + b" ".join(b"k%d" % i for i in range(50)) + b"\r\n",
    "unknown_commands_of_features_not_built": b"misbehave\r\ndebugtime 1\r\n",
}

# Sent in pieces; memcached closes these connections.
CLOSING_CASES = {
    "http_request": [b"version\r\n", b"GET / HTTP/1.1\r\nversion\r\n"],
    "http_post_in_one_read": [b"version\r\nPOST /x HTTP/1.0\r\n"],
    "http_in_the_23rd_token": [b"foo " + b"x " * 21 + b"HTTP/1.1 y\r\n"],
    "quit_sends_pending_replies": [b"set a 0 0 1\r\nx\r\nget a\r\nquit\r\nget a\r\n"],
    "line_over_2048_without_newline": [b"x" * 2049],
    "long_gat_without_newline": [b"gat 1 " + b"a " * 1500],
    "long_get_after_101_spaces": [b" " * 101 + b"get " + b"a " * 1200],
}

# Sent in pieces; the connection stays open.
SPLIT_CASES = {
    "line_of_2048_bytes_then_newline": [b"x" * 2048, b"\r\nversion\r\n"],
    "long_get_in_pieces": [b"get " + b"a " * 1500, b"\r\n"],
    "long_gets_after_spaces": [b" " * 100 + b"gets " + b"a " * 1200, b"\r\n"],
    "command_split_anywhere": [b"se", b"t a 0 0 5\r", b"\nhel", b"lo", b"\r", b"\nget a\r\n"],
    "trailer_split": [b"set a 0 0 2\r\nab\r", b"\nget a\r\n"],
    "bad_trailer_split": [b"set a 0 0 2\r\nab", b"\r", b"x", b"get a\r\n"],
}

CAS_IN_VALUE_LINE = re.compile(rb"^(VALUE \S+ \d+ \d+) \d+\r$", re.MULTILINE)


def masked(reply):
    return CAS_IN_VALUE_LINE.sub(rb"\1 <cas>\r", reply)


@pytest.fixture(scope="module")
def servers():
    features_off = ["-o", "no_lru_crawler,no_lru_maintainer,no_slab_reassign", "-W"]
    with ServerProcess("memcached", features_off, unix=False) as memcached, \
            ServerProcess("memstripe", unix=False) as memstripe:
        yield memcached, memstripe


def exchange(server, chunks, expect_close):
    """Everything the server sends back for `chunks`, and whether it closed."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.sendall(b"flush_all\r\n")
        assert sock.recv(16) == b"OK\r\n"
        received = b""
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            if len(chunks) > 1:
                received += drain_briefly(sock)
        if not expect_close:
            sock.sendall(SENTINEL_SET)
            while not received.endswith(SENTINEL_REPLY):
                data = sock.recv(1 << 20)
                assert data, "the server closed the connection"
                received += data
            return received[: received.rindex(b"STORED\r\nVALUE __conformance__")], False
        sock.settimeout(5)
        while True:
            try:
                data = sock.recv(1 << 20)
            except (ConnectionResetError, BrokenPipeError):
                return received, True
            if not data:
                return received, True
            received += data
    finally:
        sock.close()


def drain_briefly(sock):
    """What arrives within a short while: lets a server see each piece as its own read."""
    sock.settimeout(0.05)
    data = b""
    try:
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        sock.settimeout(10)
    return data


@pytest.mark.parametrize("name", sorted(CASES))
def test_replies_like_memcached(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, [CASES[name]], expect_close=False)
    got = exchange(memstripe, [CASES[name]], expect_close=False)
    assert masked(got[0]) == masked(want[0])


@pytest.mark.parametrize("name", sorted(SPLIT_CASES))
def test_replies_like_memcached_to_input_in_pieces(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, SPLIT_CASES[name], expect_close=False)
    got = exchange(memstripe, SPLIT_CASES[name], expect_close=False)
    assert masked(got[0]) == masked(want[0])


@pytest.mark.parametrize("name", sorted(CLOSING_CASES))
def test_closes_where_memcached_closes(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, CLOSING_CASES[name], expect_close=True)
    got = exchange(memstripe, CLOSING_CASES[name], expect_close=True)
    assert got == want
