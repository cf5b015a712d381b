"""The meta protocol served by the real memstripe, over TCP and the UNIX socket alike (every
test runs once per transport): serve-stale-while-revalidate, quiet pipelines closed by
mn, opaques, base64 keys, and ma's auto-creation."""

import base64
import itertools
import os

_ids = itertools.count()


def unique(name):
    return f"{name}-{os.getpid()}-{next(_ids)}"


def read_meta_reply(client):
    """One meta reply: its line, and the data block after a VA."""
    line = client.read_line()
    if line.startswith(b"VA "):
        length = int(line.split()[1])
        return line + client.read_exact(length + 2)
    return line


def meta(client, line, data=None):
    """Sends one meta command (and its data block) and reads its reply."""
    payload = line.encode() + b"\r\n"
    if data is not None:
        payload += data + b"\r\n"
    client.send(payload)
    return read_meta_reply(client)


def test_an_invalidated_item_is_recomputed_by_one_client_while_others_get_the_stale_value(client):
    key = unique("swr")
    assert meta(client, f"ms {key} 2 T300", b"v1") == b"HD\r\n"
    assert meta(client, f"md {key} I T30") == b"HD\r\n"
    # The first reader wins the right to recompute; it still gets the stale value.
    assert meta(client, f"mg {key} v t") == b"VA 2 t30 X W\r\nv1\r\n"
    # Everyone after it is told that someone else is on it.
    assert meta(client, f"mg {key} v t") == b"VA 2 t30 Z X\r\nv1\r\n"
    assert meta(client, f"mg {key} v") == b"VA 2 Z X\r\nv1\r\n"
    # The winner stores the new value: fresh again for everyone.
    assert meta(client, f"ms {key} 2 T300", b"v2") == b"HD\r\n"
    assert meta(client, f"mg {key} v") == b"VA 2\r\nv2\r\n"


def test_the_win_token_is_shared_by_clients_on_both_transports(server):
    key = unique("swr-shared")
    with server.connect("tcp") as tcp, server.connect("unix") as unix:
        assert meta(tcp, f"mg {key} N30 v") == b"VA 0 W\r\n\r\n"
        assert meta(unix, f"mg {key} N30 v") == b"VA 0 Z\r\n\r\n"
        assert meta(unix, f"ms {key} 5", b"value") == b"HD\r\n"
        assert meta(tcp, f"mg {key} v") == b"VA 5\r\nvalue\r\n"


def test_a_recache_token_goes_to_one_reader_when_the_ttl_runs_low(client):
    key = unique("recache")
    assert meta(client, f"ms {key} 1 T20", b"x") == b"HD\r\n"
    assert meta(client, f"mg {key} R30 v") == b"VA 1 W\r\nx\r\n"
    assert meta(client, f"mg {key} R30 v") == b"VA 1 Z\r\nx\r\n"


def test_a_quiet_pipeline_closed_by_mn_answers_only_hits_and_failures(client):
    keys = [unique("quiet") for _ in range(3)]
    missing = unique("missing")
    batch = b"".join(b"ms %s 3 q\r\nv%02d\r\n" % (k.encode(), i) for i, k in enumerate(keys))
    batch += f"ms {missing} 1 q MR\r\n".encode() + b"x\r\n"  # NS is not hidden
    batch += b"".join(f"mg {k} v q k\r\n".encode() for k in [keys[0], missing, keys[2]])
    batch += f"md {keys[1]} q\r\nmd {missing} q\r\nmn\r\n".encode()
    client.send(batch)
    assert read_meta_reply(client) == b"NS\r\n"
    assert read_meta_reply(client) == f"VA 3 k{keys[0]}\r\n".encode() + b"v00\r\n"
    assert read_meta_reply(client) == f"VA 3 k{keys[2]}\r\n".encode() + b"v02\r\n"
    assert read_meta_reply(client) == b"NF\r\n"
    assert read_meta_reply(client) == b"MN\r\n"


def test_opaques_match_replies_to_requests(client):
    present, absent = unique("opaque"), unique("opaque-missing")
    client.send(f"ms {present} 1 O1 c\r\nx\r\nmg {absent} v O2\r\nmg {present} O3 s v\r\n"
                f"md {absent} O4\r\nma {absent} O5\r\n".encode())
    stored = read_meta_reply(client)
    assert stored.startswith(b"HD O1 c") and stored.endswith(b"\r\n")
    assert read_meta_reply(client) == b"EN O2\r\n"
    assert read_meta_reply(client) == b"VA 1 O3 s1\r\nx\r\n"
    assert read_meta_reply(client) == b"NF O4\r\n"
    assert read_meta_reply(client) == b"NF O5\r\n"
    assert meta(client, f"mg {present} O{'o' * 32}") == b"CLIENT_ERROR opaque token too long\r\n"


def test_a_base64_key_is_read_back_by_its_plain_name(client):
    key = unique("binary")
    encoded = base64.b64encode(key.encode()).decode()
    assert meta(client, f"ms {encoded} 5 b k", b"hello") == f"HD k{encoded} b\r\n".encode()
    assert meta(client, f"mg {key} v k") == f"VA 5 k{encoded} b\r\n".encode() + b"hello\r\n"
    client.send(f"get {key}\r\n".encode())
    assert client.read_until(b"END\r\n") == f"VALUE {key} 0 5\r\nhello\r\nEND\r\n".encode()
    assert meta(client, f"md {encoded} b") == b"HD\r\n"
    assert meta(client, f"mg {key} v") == b"EN\r\n"


def test_a_binary_key_holding_spaces_and_newlines_works_through_base64(client):
    raw = b"bin \r\n\x00" + unique("k").encode()
    encoded = base64.b64encode(raw).decode()
    assert meta(client, f"ms {encoded} 1 b", b"x") == b"HD\r\n"
    assert meta(client, f"mg {encoded} b v k") == f"VA 1 k{encoded} b\r\n".encode() + b"x\r\n"


def test_ma_creates_counts_up_and_down_and_reports_ttl(client):
    key = unique("counter")
    assert meta(client, f"ma {key}") == b"NF\r\n"
    assert meta(client, f"ma {key} N60 J10 v t") == b"VA 2 t60\r\n10\r\n"
    assert meta(client, f"ma {key} D5 v") == b"VA 2\r\n15\r\n"
    assert meta(client, f"ma {key} MD D20 v") == b"VA 1\r\n0\r\n"
    assert meta(client, f"ma {key} M+ D7 N0 J100 v") == b"VA 1\r\n7\r\n"  # J seeds only a new item
    client.send(f"incr {key} 1\r\n".encode())
    assert client.read_line() == b"8\r\n"
    client.send(f"ma {key} M- v q\r\nmn\r\n".encode())
    assert read_meta_reply(client) == b"MN\r\n"  # q hid the success
    # A shrinking number is written in place and padded, as memcached does: 15 became "0 ".
    assert meta(client, f"mg {key} v") == b"VA 2\r\n7 \r\n"


def test_meta_and_classic_commands_see_the_same_items_across_transports(server):
    key = unique("shared")
    with server.connect("tcp") as tcp, server.connect("unix") as unix:
        assert meta(tcp, f"ms {key} 2 F42 T100", b"hi") == b"HD\r\n"
        unix.send(f"gets {key}\r\n".encode())
        gets_reply = unix.read_until(b"END\r\n")
        cas = gets_reply.split(b"\r\n")[0].split()[4].decode()
        assert meta(unix, f"mg {key} f c v") == f"VA 2 f42 c{cas}\r\n".encode() + b"hi\r\n"
        assert meta(unix, f"ms {key} 2 C{cas} c", b"yo").startswith(b"HD c")
        assert meta(tcp, f"ms {key} 2 C{cas}", b"no") == b"EX\r\n"
