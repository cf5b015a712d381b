"""Debian's php-memcache 4.0.5.2 (the older extension, class Memcache, pure PHP-C with its
own protocol code) under php-cli, unchanged, in its default ASCII protocol
(memcache.protocol=ascii): over TCP and over the UNIX socket (addServer('unix:///path', 0)).

The extension answers false on any failure and says why in a PHP notice: the driver
(php/memcache_driver.php) answers [returned value, the notice's text or null].

php-memcache's own ways, the same against memcached 1.6.18: it has no touch(); a get of
several keys that all miss is an empty array, not false; increment's default value is
ignored in the ASCII protocol (a missing key stays missing); it serialises non-strings
(flag 1) and compresses (flag 2, MEMCACHE_COMPRESSED) when asked or when a value is over
memcache.compress_threshold (20000 bytes), and only when that saves 20 %; a server error is false with "failed with: <the server's line>" in the
notice; a server that failed is not tried again for retry_interval (the driver says -1:
never), so only the first call after the failure carries the notice; and a cas of a
missing key (NOT_FOUND) counts as the server failing (see
test_a_cas_of_a_missing_key_takes_the_server_out)."""

import os

import pytest

from endpoints import Cluster, largest_value_length

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "php", "memcache_driver.php")
COMPRESSED = 2  # MEMCACHE_COMPRESSED, as the extension stores it in the item's flags
SERIALIZED = 1


@pytest.fixture
def make_php(drivers):
    def make(endpoint, shared=True):
        return drivers("php", DRIVER, endpoint.spec, shared=shared)
    return make


@pytest.fixture
def php(make_php, endpoint):
    return make_php(endpoint)


def ok(value):
    return [value, None]


def test_set_then_get_returns_the_value(php, endpoint):
    assert php.call("set", "greeting", "hello") == ok(True)
    assert php.call("get", "greeting") == ok("hello")
    assert php.call("get", "absent") == ok(False)
    assert endpoint.raw_value("greeting") == (0, b"hello")


def test_a_php_array_is_serialised_with_its_flag(php, endpoint):
    assert php.call("set", "list", ["a", 1]) == ok(True)
    assert php.call("get", "list") == ok(["a", 1])
    assert endpoint.raw_value("list") == (SERIALIZED, b'a:2:{i:0;s:1:"a";i:1;i:1;}')


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(php):
    assert php.call("add", "k", "first") == ok(True)
    assert php.call("add", "k", "second") == ok(False)
    assert php.call("replace", "other", "x") == ok(False)
    assert php.call("replace", "k", "third") == ok(True)
    assert php.call("get", "k") == ok("third")


def test_append_and_prepend(php):
    assert php.call("append", "ends", "x") == ok(False)
    assert php.call("prepend", "ends", "x") == ok(False)
    php.call("set", "ends", "-middle-")
    assert php.call("append", "ends", "tail") == ok(True)
    assert php.call("prepend", "ends", "head") == ok(True)
    assert php.call("get", "ends") == ok("head-middle-tail")


def test_cas_from_get_detects_a_concurrent_write(php, make_php, endpoint):
    php.call("set", "cas-key", "v1")
    [item, _] = php.call("gets", "cas-key")
    assert item["value"] == "v1" and item["flags"] == 0 and item["cas"] > 0
    make_php(endpoint, shared=False).call("set", "cas-key", "other writer")
    assert php.call("cas", "cas-key", "v2", 0, 0, item["cas"]) == ok(False)
    [item, _] = php.call("gets", "cas-key")
    assert item["value"] == "other writer"
    assert php.call("cas", "cas-key", "v3", 0, 0, item["cas"]) == ok(True)
    assert php.call("get", "cas-key") == ok("v3")


def test_a_cas_of_a_missing_key_takes_the_server_out(make_php, endpoint):
    # php-memcache reads cas's NOT_FOUND as the server failing: it drops the connection and
    # fails every call until retry_interval has passed (15 s by default; the driver's -1 is
    # never), the same against memcached. Its own driver: the shared one would stay failed.
    php = make_php(endpoint, shared=False)
    php.call("set", "k", "v")
    [item, _] = php.call("gets", "k")
    returned, notice = php.call("cas", "absent", "x", 0, 0, item["cas"])
    assert returned is False and notice.endswith("failed with: NOT_FOUND (0)")
    assert php.call("get", "k") == ok(False)
    assert endpoint.raw_value("k") == (0, b"v")


def test_increment_and_decrement(php, endpoint):
    assert php.call("increment", "hits", 1) == ok(False)
    assert php.call("increment", "hits", 1, 7) == ok(False)  # the default is ignored
    php.call("set", "hits", "10")
    assert php.call("increment", "hits", 5) == ok(15)
    assert php.call("decrement", "hits") == ok(14)
    assert php.call("decrement", "hits", 100) == ok(0)  # stops at zero
    assert endpoint.raw_value("hits") == (0, b"0 ")  # decr pads in place, as memcached does
    php.call("set", "word", "ten")
    returned, notice = php.call("increment", "word", 1)
    assert returned is False
    assert notice.endswith("failed with: CLIENT_ERROR cannot increment or decrement non-numeric value (6)")
    assert php.call("get", "word") == ok("ten")


def test_delete(php):
    php.call("set", "k", "v")
    assert php.call("delete", "k") == ok(True)
    assert php.call("delete", "k") == ok(False)
    assert php.call("get", "k") == ok(False)


def test_a_get_of_many_keys_reads_hundreds_of_them(php):
    values = {f"multi-{i}-" + "k" * 200: str(i) for i in range(300)}
    assert php.call("set", values) == ok(True)  # set() takes an array of key => value too
    assert php.call("get", list(values) + ["absent"]) == ok(values)
    assert php.call("get", ["absent"]) == ok([])


def test_expiry_on_the_server_clock(php, server_clock):
    php.call("set", "short", "x", 0, 10)
    php.call("set", "forever", "x")
    server_clock.advance(11)
    assert php.call("get", ["short", "forever"]) == ok({"forever": "x"})


def test_an_expiry_in_the_past_stores_nothing_visible(php):
    assert php.call("set", "gone", "x", 0, -1) == ok(True)
    assert php.call("get", "gone") == ok(False)


def test_a_1_mb_value_round_trips_and_one_byte_more_is_too_big(make_php, endpoint):
    php = make_php(endpoint, shared=False)
    assert php.call("setCompressThreshold", 2 << 20) == ok(True)  # sent as it is
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("big"))]
    assert php.call("set", "big", value) == ok(True)
    assert php.call("get", "big") == ok(value)
    assert endpoint.raw_value("big") == (0, value.encode())
    returned, notice = php.call("set", "big", value + "!")
    assert returned is False and "SERVER_ERROR object too large for cache" in notice
    assert php.call("get", "big") == ok(False)  # a too-large set drops the old value


def test_compression_on_request_and_above_the_threshold(php, endpoint):
    # MEMCACHE_COMPRESSED asks for it; memcache.compress_threshold (20000 bytes by default)
    # compresses a larger value unasked.
    small, large = "compressible " * 100, "compressible " * 10000
    assert php.call("set", "asked", small, "MEMCACHE_COMPRESSED") == ok(True)
    assert php.call("set", "unasked", large) == ok(True)
    assert php.call("get", ["asked", "unasked"]) == ok({"asked": small, "unasked": large})
    for key, value in (("asked", small), ("unasked", large)):
        flags, stored = endpoint.raw_value(key)
        assert flags == COMPRESSED and len(stored) < len(value) // 10


def test_flush_stats_and_version(php, endpoint):
    php.call("set", "one", "1")
    assert php.call("flush") == ok(True)
    assert php.call("get", "one") == ok(False)
    [stats, notice] = php.call("getStats")
    assert notice is None and stats["pid"] == str(endpoint.process.pid)
    assert int(stats["cmd_flush"]) >= 1
    assert php.call("getVersion") == ok("1.6.18")


def test_a_stopped_server_is_reported_in_a_notice(make_php, transport):
    cluster = Cluster(1)
    try:
        endpoint = cluster.endpoint(transport)
        php = make_php(endpoint, shared=False)
        assert php.call("set", "k", "v") == ok(True)
    finally:
        cluster.stop()
    returned, notice = php.call("get", "k")
    assert returned is False
    server = (f"127.0.0.1 (tcp {endpoint.process.port}, udp 0)" if transport == "tcp"
              else f"unix://{endpoint.spec} (tcp 0, udp 0)")
    # Over TCP the request is written and the read finds the connection closed; over the
    # socket the write itself fails.
    why = "Read failed (socket was unexpectedly closed) (0)" if transport == "tcp" else "Broken pipe (32)"
    assert notice == f"MemcachePool::get(): Server {server} failed with: {why}"
    assert php.call("set", "k", "v") == ok(False)  # not retried: no second notice
