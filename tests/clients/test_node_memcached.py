"""The `memcached` npm package (node-memcached, pinned in node_memcached/package-lock.json),
the text-protocol Node.js client, unchanged: over TCP and over the UNIX socket. The first
run installs it with `npm ci` into MEMSTRIPE_NPM_DIR (conftest's npm_install).

The package appends ":11211" to every server without a port, a socket's path included,
and then connects to that longer path: it reaches a socket only through a path that ends
in ":11211" (its own quirk, not memcached's). The suite gives it a symbolic link by that
name beside the server's socket.

node-memcached's own ways, the same against memcached 1.6.18: a miss is undefined; a
refused add, replace, append or prepend is an Error "Item is not stored", but a refused
cas, incr, decr, del or touch is the result false; gets answers {key: value, cas: "..."};
objects are stored as JSON (flag 2) and numbers as text (flag 8); stats answers one object
per server, its numbers parsed."""

import os

import pytest

from endpoints import Cluster, largest_value_length

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(HERE, "node_memcached", "memcached_driver.js")
NOT_STORED = "Item is not stored"
JSON_FLAG, NUMERIC_FLAG = 2, 8


@pytest.fixture(scope="module")
def node_modules(npm_install):
    return npm_install("node_memcached")


def server_of(endpoint):
    """What the package is given: host:port, or a path to the socket ending in ":11211"."""
    if endpoint.transport == "tcp":
        return endpoint.spec
    link = endpoint.spec + ":11211"
    if not os.path.lexists(link):
        os.symlink(endpoint.spec, link)
    return link


@pytest.fixture
def make_node(drivers, node_modules):
    def make(endpoint, shared=True, server=None):
        return drivers("node", DRIVER, server or server_of(endpoint), shared=shared,
                       env={"NODE_PATH": node_modules})
    return make


@pytest.fixture
def node(make_node, endpoint):
    return make_node(endpoint)


def test_set_then_get_returns_the_value(node, endpoint):
    assert node.call("set", "greeting", "hello", 0) is True
    assert node.call("get", "greeting") == "hello"
    assert node.call("get", "absent") is None
    assert endpoint.raw_value("greeting") == (0, b"hello")


def test_objects_and_numbers_keep_their_type_in_the_flags(node, endpoint):
    node.call("set", "object", {"a": [1, "two"]}, 0)
    node.call("set", "number", 42, 0)
    assert node.call("getMulti", ["object", "number"]) == {"object": {"a": [1, "two"]}, "number": 42}
    assert endpoint.raw_value("object") == (JSON_FLAG, b'{"a":[1,"two"]}')
    assert endpoint.raw_value("number") == (NUMERIC_FLAG, b"42")


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(node):
    assert node.call("add", "k", "first", 0) is True
    assert node.error("add", "k", "second", 0) == NOT_STORED
    assert node.error("replace", "other", "x", 0) == NOT_STORED
    assert node.call("replace", "k", "third", 0) is True
    assert node.call("get", "k") == "third"


def test_append_and_prepend(node):
    assert node.error("append", "ends", "x") == NOT_STORED
    assert node.error("prepend", "ends", "x") == NOT_STORED
    node.call("set", "ends", "-middle-", 0)
    assert node.call("append", "ends", "tail") is True
    assert node.call("prepend", "ends", "head") is True
    assert node.call("get", "ends") == "head-middle-tail"


def test_cas_from_gets_detects_a_concurrent_write(node, make_node, endpoint):
    node.call("set", "cas-key", "v1", 0)
    first = node.call("gets", "cas-key")
    assert first["cas-key"] == "v1" and int(first["cas"]) > 0
    make_node(endpoint, shared=False).call("set", "cas-key", "other writer", 0)
    assert node.call("cas", "cas-key", "v2", first["cas"], 0) is False
    current = node.call("gets", "cas-key")
    assert current["cas-key"] == "other writer" and current["cas"] != first["cas"]
    assert node.call("cas", "cas-key", "v3", current["cas"], 0) is True
    assert node.call("get", "cas-key") == "v3"
    assert node.call("gets", "absent") is None
    assert node.call("cas", "absent", "x", current["cas"], 0) is False


def test_get_multi_reads_hundreds_of_keys(node):
    values = {f"multi-{i}-" + "k" * 200: f"value {i}" for i in range(300)}
    for key, value in values.items():
        node.call("set", key, value, 0)
    assert node.call("getMulti", list(values) + ["absent"]) == values
    assert node.call("getMulti", ["absent"]) == {}


def test_incr_and_decr(node, endpoint):
    assert node.call("incr", "hits", 1) is False  # missing
    node.call("set", "hits", "10", 0)
    assert node.call("incr", "hits", 5) == 15
    assert node.call("decr", "hits", 100) == 0  # stops at zero
    assert endpoint.raw_value("hits") == (0, b"0 ")  # decr pads in place, as memcached does
    node.call("set", "word", "ten", 0)
    assert node.error("incr", "word", 1) == "cannot increment or decrement non-numeric value"
    assert node.call("get", "word") == "ten"


def test_del_and_touch(node):
    node.call("set", "k", "v", 0)
    assert node.call("touch", "k", 100) is True
    assert node.call("touch", "absent", 100) is False
    assert node.call("del", "k") is True
    assert node.call("del", "k") is False
    assert node.call("get", "k") is None


def test_flush_stats_and_version(node, endpoint):
    node.call("set", "one", "1", 0)
    assert node.call("flush") == [True]  # one answer per server
    assert node.call("get", "one") is None
    [stats] = node.call("stats")
    raw = endpoint.stats()
    assert stats["server"] == server_of(endpoint)
    assert set(stats) == set(raw) | {"server"}  # every STAT line, none lost or misread
    assert stats["pid"] == endpoint.process.pid and stats["version"] == "1.6.18"
    [version] = node.call("version")
    assert version["version"] == "1.6.18" and (version["major"], version["minor"]) == ("1", "6")


def test_the_largest_value_round_trips(node):
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("big"))]
    assert node.call("set", "big", value, 0) is True
    assert node.call("get", "big") == value


def test_expiry_on_the_server_clock(node, server_clock):
    node.call("set", "short", "x", 10)
    node.call("set", "touched", "x", 10)
    node.call("touch", "touched", 100)
    server_clock.advance(11)
    assert node.call("getMulti", ["short", "touched"]) == {"touched": "x"}


def test_a_socket_path_without_the_port_suffix_is_not_reached(make_node):
    # The quirk the link works around: the package connects to the path plus ":11211". A
    # server of its own, which no test gave the link.
    cluster = Cluster(1)
    try:
        endpoint = cluster.endpoint("unix")
        node = make_node(endpoint, shared=False, server=endpoint.spec)
        assert node.error("get", "k") == f"connect ENOENT {endpoint.spec}:11211"
    finally:
        cluster.stop()
