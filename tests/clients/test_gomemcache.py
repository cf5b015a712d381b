"""Debian's gomemcache (golang-github-bradfitz-gomemcache-dev, git 2014-11-09, the text
protocol) under Debian's Go, unchanged: over TCP and over the UNIX socket (a server
holding a "/" is a socket's path to gomemcache). go/gomemcache_driver.go is built once per
run of this module from Debian's sources in /usr/share/gocode (GOPATH, GO111MODULE=off: no
module download), into a temporary directory that also holds the build cache.

gomemcache's own ways, the same against memcached 1.6.18: every read is a `gets`, so an
Item carries its cas id; a miss is ErrCacheMiss ("memcache: cache miss"), and so are a
missing key's incr/decr/touch/delete and a CompareAndSwap whose key was deleted (its
documentation says ErrNotStored); incr of a non-number is "memcache: client error: ..."
with the server's text; DeleteAll sends flush_all to the server of the key "" only;
its default read/write timeout is 100 ms (the driver sets 5 s)."""

import pytest

import client_builds
from endpoints import largest_value_length

MISS = "memcache: cache miss"


@pytest.fixture(scope="module")
def driver_binary(tmp_path_factory):
    return client_builds.go_driver(tmp_path_factory.mktemp("gomemcache"))


@pytest.fixture
def make_go(drivers, driver_binary):
    def make(endpoint, shared=True):
        return drivers(driver_binary, endpoint.spec, shared=shared)
    return make


@pytest.fixture
def go(make_go, endpoint):
    return make_go(endpoint)


def test_set_then_get_returns_the_value_and_flags(go, endpoint):
    assert go.call("Set", "greeting", "hello", 42) is True
    assert go.call("Get", "greeting") == {"value": "hello", "flags": 42}
    assert go.error("Get", "absent") == MISS
    assert endpoint.raw_value("greeting") == (42, b"hello")


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(go):
    assert go.call("Add", "k", "first") is True
    assert go.error("Add", "k", "second") == "memcache: item not stored"
    assert go.error("Replace", "other", "x") == "memcache: item not stored"
    assert go.call("Replace", "k", "third") is True
    assert go.call("Get", "k")["value"] == "third"


def test_get_multi_reads_hundreds_of_keys(go):
    values = {f"multi-{i}-" + "k" * 200: str(i) for i in range(300)}
    for key, value in values.items():
        go.call("Set", key, value)
    found = go.call("GetMulti", list(values) + ["absent"])
    assert {k: v["value"] for k, v in found.items()} == values
    assert go.call("GetMulti", ["absent"]) == {}


def test_compare_and_swap_detects_a_concurrent_write(go, make_go, endpoint):
    go.call("Set", "cas-key", "v1")
    assert go.call("Get", "cas-key")["value"] == "v1"
    make_go(endpoint, shared=False).call("Set", "cas-key", "other writer")
    assert go.error("CompareAndSwap", "cas-key", "v2") == "memcache: compare-and-swap conflict"
    assert go.call("GetMulti", ["cas-key"])["cas-key"]["value"] == "other writer"
    assert go.call("CompareAndSwap", "cas-key", "v3") is True
    assert go.call("Get", "cas-key")["value"] == "v3"
    go.call("Delete", "cas-key")
    assert go.error("CompareAndSwap", "cas-key", "v4") == MISS


def test_increment_and_decrement(go, endpoint):
    assert go.error("Increment", "hits", 1) == MISS
    go.call("Set", "hits", "10")
    assert go.call("Increment", "hits", 5) == 15
    assert go.call("Decrement", "hits", 100) == 0  # stops at zero
    assert go.call("Increment", "hits", 2**64 - 1) == 2**64 - 1  # 64 bits
    assert go.call("Increment", "hits", 2) == 1  # wraps
    assert endpoint.raw_value("hits")[1].rstrip() == b"1"
    go.call("Set", "word", "ten")
    assert go.error("Increment", "word", 1) == \
        "memcache: client error: cannot increment or decrement non-numeric value"


def test_touch_and_delete(go):
    go.call("Set", "k", "v")
    assert go.call("Touch", "k", 100) is True
    assert go.error("Touch", "absent", 100) == MISS
    assert go.call("Delete", "k") is True
    assert go.error("Delete", "k") == MISS
    assert go.error("Get", "k") == MISS


def test_delete_all_and_flush_all_empty_the_server(go, endpoint):
    go.call("Set", "one", "1")
    assert go.call("DeleteAll") is True
    assert endpoint.raw_value("one") is None
    go.call("Set", "two", "2")
    assert go.call("FlushAll") is True
    assert go.error("Get", "two") == MISS


def test_expiry_on_the_server_clock(go, server_clock):
    go.call("Set", "short", "x", 0, 10)
    go.call("Set", "touched", "x", 0, 10)
    go.call("Touch", "touched", 100)
    server_clock.advance(11)
    assert list(go.call("GetMulti", ["short", "touched"])) == ["touched"]


def test_an_expiry_in_the_past_stores_nothing_visible(go):
    assert go.call("Set", "gone", "x", 0, -1) is True
    assert go.error("Get", "gone") == MISS


def test_a_1_mb_value_round_trips_and_one_byte_more_is_refused(go, endpoint):
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("big"))]
    assert go.call("Set", "big", value) is True
    assert go.call("Get", "big")["value"] == value
    # The server's SERVER_ERROR line is none that gomemcache knows.
    assert go.error("Set", "big", value + "!") == \
        'memcache: unexpected response line from "set": "SERVER_ERROR object too large for cache\\r\\n"'
    assert go.error("Get", "big") == MISS  # a too-large set drops the old value
