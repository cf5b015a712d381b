"""Debian's spymemcached 2.12.3 (libspymemcached-java) on the JDK, unchanged, with its
default connection factory (DefaultConnectionFactory: the text protocol). The driver is
java/SpyDriver.java, compiled once per run of this module (conftest's spy_classpath).
spymemcached connects through InetSocketAddress: TCP only, it cannot reach a UNIX socket.

spymemcached's own ways, the same against memcached 1.6.18: incr/decr of a missing key
without a default answer -1; with a default the text protocol sends incr, then add of the
default on NOT_FOUND; a cas of a missing key is NOT_FOUND; getStats() and
getStats("settings") keep every STAT line as a string, by server."""

import pytest

from endpoints import largest_value_length


@pytest.fixture(params=["tcp"])
def transport(request):
    """spymemcached reaches TCP only."""
    return request.param


@pytest.fixture
def make_spy(drivers, spy_classpath):
    def make(endpoint, shared=True):
        return drivers("java", "-XX:TieredStopAtLevel=1", "-cp", spy_classpath, "SpyDriver", "text",
                       endpoint.spec, shared=shared, timeout=20)
    return make


@pytest.fixture
def spy(make_spy, endpoint):
    return make_spy(endpoint)


def test_set_then_get_returns_the_value(spy, endpoint):
    assert spy.call("set", "greeting", 0, "hello") is True
    assert spy.call("get", "greeting") == "hello"
    assert spy.call("get", "absent") is None
    assert endpoint.raw_value("greeting") == (0, b"hello")


def test_add_stores_only_a_missing_key(spy):
    assert spy.call("add", "k", 0, "first") is True
    assert spy.call("add", "k", 0, "second") is False
    assert spy.call("replace", "other", 0, "x") is False
    assert spy.call("replace", "k", 0, "third") is True
    assert spy.call("get", "k") == "third"


def test_cas_from_gets_detects_a_concurrent_write(spy, make_spy, endpoint):
    spy.call("set", "cas-key", 0, "v1")
    first = spy.call("gets", "cas-key")
    assert first["value"] == "v1" and first["cas"] > 0
    make_spy(endpoint, shared=False).call("set", "cas-key", 0, "other writer")
    assert spy.call("cas", "cas-key", first["cas"], "v2") == "EXISTS"
    current = spy.call("gets", "cas-key")
    assert current["value"] == "other writer" and current["cas"] != first["cas"]
    assert spy.call("cas", "cas-key", current["cas"], "v3") == "OK"
    assert spy.call("get", "cas-key") == "v3"
    assert spy.call("gets", "absent") is None
    assert spy.call("cas", "absent", current["cas"], "x") == "NOT_FOUND"


def test_bulk_get_reads_hundreds_of_keys(spy):
    values = {f"bulk-{i}-" + "k" * 200: str(i) for i in range(300)}
    for key, value in values.items():
        spy.call("set", key, 0, value)
    assert spy.call("getBulk", list(values) + ["absent"]) == values
    assert spy.call("getBulk", ["absent"]) == {}


def test_incr_and_decr(spy, endpoint):
    assert spy.call("incr", "hits", 1) == -1  # missing, no default: not created
    assert spy.call("get", "hits") is None
    assert spy.call("incr", "hits", 5, 10, 0) == 10  # created with the default
    assert spy.call("incr", "hits", 5) == 15
    assert spy.call("decr", "hits", 100) == 0  # stops at zero
    assert spy.call("decr", "fresh", 1, 7, 0) == 7
    assert spy.call("incr", "hits", 2**40) == 2**40  # 64 bits
    assert endpoint.raw_value("hits") == (0, str(2**40).encode())


def test_delete_and_touch(spy):
    spy.call("set", "k", 0, "v")
    assert spy.call("touch", "k", 100) is True
    assert spy.call("touch", "absent", 100) is False
    assert spy.call("delete", "k") is True
    assert spy.call("delete", "k") is False
    assert spy.call("get", "k") is None


def test_append_and_prepend(spy):
    assert spy.call("append", "ends", "x") is False
    spy.call("set", "ends", 0, "-middle-")
    assert spy.call("append", "ends", "tail") is True
    assert spy.call("prepend", "ends", "head") is True
    assert spy.call("get", "ends") == "head-middle-tail"


def test_flush_empties_the_server(spy, endpoint):
    spy.call("set", "one", 0, "1")
    assert spy.call("flush") is True
    assert spy.call("get", "one") is None
    assert endpoint.raw_value("one") is None


def test_stats_are_parsed_whole(spy, endpoint):
    [(name, stats)] = spy.call("getStats").items()
    assert name == endpoint.spec
    assert set(stats) == set(endpoint.stats())  # every STAT line, none lost or misread
    assert int(stats["pid"]) == endpoint.process.pid and stats["version"] == "1.6.18"
    settings = spy.call("getStats", "settings")[endpoint.spec]
    assert settings["binding_protocol"] == "auto-negotiate" and settings["item_size_max"] == str(1 << 20)
    assert spy.call("getVersions") == {endpoint.spec: "1.6.18"}


def test_the_largest_value_round_trips(spy, endpoint):
    # spymemcached compresses values over 16 KB: a random-looking one stays this size.
    value = "".join(chr(0x21 + (i * 7919 + i // 94) % 94) for i in range(largest_value_length(len("big"))))
    assert spy.call("set", "big", 0, value) is True
    assert spy.call("get", "big") == value


def test_expiry_on_the_server_clock(spy, server_clock):
    spy.call("set", "short", 10, "x")
    spy.call("set", "touched", 10, "x")
    assert spy.call("touch", "touched", 100) is True
    server_clock.advance(11)
    assert spy.call("getBulk", ["short", "touched"]) == {"touched": "x"}


def test_an_expiry_in_the_past_stores_nothing_visible(spy):
    assert spy.call("set", "gone", -1, "x") is True
    assert spy.call("get", "gone") is None
