"""Debian's php-memcached 3.2.0 (over libmemcached 1.1.4) under php-cli, unchanged, in its
default text protocol: over TCP and over the UNIX socket (addServer('/path', 0)).

php-memcached reports what went wrong through getResultCode(): the driver
(php/memcached_driver.php) answers [returned value, result code name].

php-memcached's own ways in the text protocol, the same against memcached 1.6.18: an ADD of
a present key is RES_NOTSTORED (the binary protocol's is RES_DATA_EXISTS); increment and
decrement take no initial value (PHP warns "only supported with binary protocol", returns
false and leaves the previous result code); append and prepend are refused in PHP, null
returned and nothing sent, while OPT_COMPRESSION is on (its default); getVersion and
getStats name a UNIX socket "/path:11211"."""

import os

import pytest

from endpoints import Cluster, largest_value_length

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "php", "memcached_driver.php")
OK = "RES_SUCCESS"


@pytest.fixture
def make_php(drivers):
    def make(endpoint, shared=True):
        return drivers("php", DRIVER, "text", endpoint.spec, shared=shared)
    return make


@pytest.fixture
def php(make_php, endpoint):
    return make_php(endpoint)


def server_name(endpoint):
    """How php-memcached names a server in getVersion and getStats."""
    return endpoint.spec if endpoint.transport == "tcp" else endpoint.spec + ":11211"


def test_set_then_get_returns_the_value(php, endpoint):
    assert php.call("set", "greeting", "hello") == [True, OK]
    assert php.call("get", "greeting") == ["hello", OK]
    assert php.call("get", "absent") == [False, "RES_NOTFOUND"]
    assert endpoint.raw_value("greeting") == (0, b"hello")


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(php):
    assert php.call("add", "k", "first") == [True, OK]
    assert php.call("add", "k", "second") == [False, "RES_NOTSTORED"]
    assert php.call("replace", "other", "x") == [False, "RES_NOTSTORED"]
    assert php.call("replace", "k", "third") == [True, OK]
    assert php.call("get", "k") == ["third", OK]


def test_append_and_prepend_with_compression_off(make_php, endpoint):
    php = make_php(endpoint, shared=False)
    php.call("set", "ends", "-middle-")
    assert php.call("append", "ends", "x")[0] is None  # refused in PHP: compression is on
    assert endpoint.raw_value("ends") == (0, b"-middle-")
    php.call("delete", "ends")
    assert php.call("setOption", "Memcached::OPT_COMPRESSION", False) == [True, OK]
    assert php.call("append", "ends", "x") == [False, "RES_NOTSTORED"]
    assert php.call("prepend", "ends", "x") == [False, "RES_NOTSTORED"]
    php.call("set", "ends", "-middle-")
    assert php.call("append", "ends", "tail") == [True, OK]
    assert php.call("prepend", "ends", "head") == [True, OK]
    assert php.call("get", "ends") == ["head-middle-tail", OK]


def test_cas_with_get_multi_extended_detects_a_concurrent_write(php, make_php, endpoint):
    php.call("setMulti", {"cas-key": "v1", "other": "o"})
    [items, code] = php.call("getMulti", ["cas-key", "other", "absent"], "Memcached::GET_EXTENDED")
    assert code == OK and set(items) == {"cas-key", "other"}
    item = items["cas-key"]
    assert item["value"] == "v1" and item["flags"] == 0 and item["cas"] > 0
    assert items["other"]["cas"] != item["cas"]
    make_php(endpoint, shared=False).call("set", "cas-key", "other writer")
    assert php.call("cas", item["cas"], "cas-key", "v2") == [False, "RES_DATA_EXISTS"]
    [items, _] = php.call("getMulti", ["cas-key"], "Memcached::GET_EXTENDED")
    assert items["cas-key"]["value"] == "other writer"
    assert php.call("cas", items["cas-key"]["cas"], "cas-key", "v3") == [True, OK]
    assert php.call("get", "cas-key") == ["v3", OK]
    assert php.call("cas", items["cas-key"]["cas"], "absent", "x") == [False, "RES_NOTFOUND"]


def test_increment_and_decrement(php, endpoint):
    assert php.call("increment", "hits") == [False, "RES_NOTFOUND"]
    php.call("set", "hits", "10")
    assert php.call("increment", "hits", 5) == [15, OK]
    assert php.call("decrement", "hits") == [14, OK]
    assert php.call("decrement", "hits", 100) == [0, OK]  # stops at zero
    assert php.call("increment", "hits", 2**40) == [2**40, OK]
    assert endpoint.raw_value("hits") == (0, str(2**40).encode())
    php.call("set", "word", "ten")
    assert php.call("increment", "word", 1) == [False, "RES_CLIENT_ERROR"]  # not a number
    assert php.call("get", "word") == ["ten", OK]


def test_delete_and_touch(php):
    php.call("set", "k", "v")
    assert php.call("touch", "k", 100) == [True, OK]
    assert php.call("touch", "absent", 100) == [False, "RES_NOTFOUND"]
    assert php.call("delete", "k") == [True, OK]
    assert php.call("delete", "k") == [False, "RES_NOTFOUND"]
    assert php.call("get", "k") == [False, "RES_NOTFOUND"]


def test_get_multi_reads_hundreds_of_keys(php):
    values = {f"multi-{i}-" + "k" * 200: str(i) for i in range(300)}
    assert php.call("setMulti", values) == [True, OK]
    assert php.call("getMulti", list(values) + ["absent"]) == [values, OK]
    assert php.call("getMulti", ["absent"]) == [[], "RES_NOTFOUND"]  # all missed: an empty array


def test_expiry_on_the_server_clock(php, server_clock):
    php.call("set", "short", "x", 10)
    php.call("set", "touched", "x", 10)
    php.call("touch", "touched", 100)
    php.call("set", "forever", "x")
    server_clock.advance(11)
    assert php.call("getMulti", ["short", "touched", "forever"]) == [{"touched": "x", "forever": "x"}, OK]


def test_an_expiry_in_the_past_stores_nothing_visible(php):
    assert php.call("set", "gone", "x", -1) == [True, OK]
    assert php.call("get", "gone") == [False, "RES_NOTFOUND"]


def test_a_1_mb_value_round_trips_and_one_byte_more_is_too_big(make_php, endpoint):
    php = make_php(endpoint, shared=False)
    php.call("setOption", "Memcached::OPT_COMPRESSION", False)
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("big"))]
    assert php.call("set", "big", value) == [True, OK]
    assert php.call("get", "big") == [value, OK]
    assert endpoint.raw_value("big") == (0, value.encode())
    assert php.call("set", "big", value + "!") == [False, "RES_E2BIG"]
    assert php.call("get", "big") == [False, "RES_NOTFOUND"]  # a too-large set drops the old value


def test_compression_stores_a_large_value_compressed(php, endpoint):
    # OPT_COMPRESSION is on by default: values over 2000 bytes go compressed (zlib, a flag
    # of php-memcached's own), and come back whole.
    value = "compressible " * 10000
    assert php.call("set", "squeezed", value) == [True, OK]
    assert php.call("get", "squeezed") == [value, OK]
    flags, stored = endpoint.raw_value("squeezed")
    assert flags != 0 and len(stored) < len(value) // 10


def test_flush_stats_and_version(php, endpoint):
    php.call("set", "one", "1")
    assert php.call("flush") == [True, OK]
    assert php.call("get", "one") == [False, "RES_NOTFOUND"]
    by_server, code = php.call("getStats")
    assert code == OK and list(by_server) == [server_name(endpoint)]
    stats = by_server[server_name(endpoint)]
    assert stats["pid"] == endpoint.process.pid and int(stats["cmd_flush"]) >= 1
    assert php.call("getVersion") == [{server_name(endpoint): "1.6.18"}, OK]


def test_a_stopped_server_is_reported_by_its_result_code(make_php, transport):
    # libmemcached's codes for a server that went away, the same against memcached: over
    # TCP the reconnection is refused; over the socket the read finds the connection closed
    # (RES_FAILURE), and the reconnection fails with the socket gone (RES_ERRNO). After
    # these failures libmemcached leaves the server out for 2 s
    # (RES_SERVER_TEMPORARILY_DISABLED), which a test cannot pin without depending on time.
    cluster = Cluster(1)
    try:
        php = make_php(cluster.endpoint(transport), shared=False)
        assert php.call("set", "k", "v") == [True, OK]
    finally:
        cluster.stop()
    if transport == "tcp":
        assert php.call("get", "k") == [False, "RES_CONNECTION_FAILURE"]
        assert php.call("set", "k", "v") == [False, "RES_CONNECTION_FAILURE"]
    else:
        assert php.call("get", "k") == [False, "RES_FAILURE"]
        assert php.call("set", "k", "v") == [False, "RES_ERRNO"]
