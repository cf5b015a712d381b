"""memjs (npm, pinned in memjs/package-lock.json), the binary-protocol Node.js client with
SASL, unchanged. memjs connects with net.connect(port, host): TCP only, it cannot reach a
UNIX socket. Every test runs without authentication and under -S, where memjs logs in with
SASL PLAIN; expiry runs on the server's debug clock.

The first run installs memjs with `npm ci` into MEMSTRIPE_NPM_DIR (conftest's npm_install),
again only when package-lock.json changes.

memjs's own ways, the same against memcached 1.6.18: a miss is {value: null, flags: null};
increment of a missing key creates it with `initial` (0 unless given), answering that, not
the delta; prepend sends APPEND's opcode, so it appends; it rejects with a plain string, not an Error, when the server refuses its login;
and it waits for ever when the server closes without answering (the driver's deadline)."""

import json
import os

import pytest

from driver import DriverError
from endpoints import SASL_USER, largest_value_length

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(HERE, "memjs")


@pytest.fixture(scope="module")
def node_modules(npm_install):
    return npm_install("memjs")


@pytest.fixture(params=["tcp"])
def transport(request):
    """memjs reaches TCP only."""
    return request.param


@pytest.fixture
def make_memjs(drivers, node_modules):
    def make(endpoint, **options):
        if endpoint.credentials and "username" not in options:
            options.update(username=endpoint.credentials.username, password=endpoint.credentials.password)
        return drivers("node", os.path.join(PACKAGE, "memjs_driver.js"), endpoint.spec, json.dumps(options),
                       env={"NODE_PATH": node_modules})
    return make


@pytest.fixture
def memjs(make_memjs, served):
    return make_memjs(served)


def test_set_then_get_returns_the_value(memjs, served):
    assert memjs.call("set", "greeting", "hello", {}) is True
    assert memjs.call("get", "greeting") == {"value": "hello", "flags": 0}
    assert memjs.call("get", "absent") == {"value": None, "flags": None}
    assert served.binary_value("greeting") == (0, b"hello")


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(memjs):
    assert memjs.call("add", "k", "first", {}) is True
    assert memjs.call("add", "k", "second", {}) is False
    assert memjs.call("replace", "other", "x", {}) is False
    assert memjs.call("replace", "k", "third", {}) is True
    assert memjs.call("get", "k")["value"] == "third"
    assert memjs.call("get", "other")["value"] is None


def test_delete_reports_whether_the_key_existed_and_the_key_is_gone(memjs):
    memjs.call("set", "doomed", "x", {})
    assert memjs.call("delete", "doomed") is True
    assert memjs.call("delete", "doomed") is False
    assert memjs.call("get", "doomed")["value"] is None


def test_increment_and_decrement(memjs):
    assert memjs.call("increment", "hits", 5, {"initial": 10}) == {"success": True, "value": 10}
    assert memjs.call("increment", "hits", 5, {}) == {"success": True, "value": 15}
    assert memjs.call("decrement", "hits", 3, {}) == {"success": True, "value": 12}
    assert memjs.call("decrement", "hits", 100, {}) == {"success": True, "value": 0}  # stops at zero
    assert memjs.call("increment", "fresh", 5, {}) == {"success": True, "value": 0}  # created with 0
    # memcached decrements in place: "12" became "0 ", padded with a space, not resized.
    assert memjs.call("get", "hits")["value"] == "0 "


def test_increment_of_a_value_that_is_not_a_number_fails(memjs):
    memjs.call("set", "word", "ten", {})
    with pytest.raises(DriverError, match="MemJS INCREMENT: Incr/Decr on non-numeric value"):
        memjs.call("increment", "word", 1, {})
    assert memjs.call("get", "word")["value"] == "ten"


def test_append_prepend_and_touch(memjs):
    with pytest.raises(DriverError, match="MemJS APPEND: Item not stored"):
        memjs.call("append", "ends", "x")
    memjs.call("set", "ends", "-middle-", {})
    assert memjs.call("append", "ends", "tail") is True
    assert memjs.call("prepend", "ends", "head") is True
    # memjs 1.3.2's prepend sends APPEND's opcode (0x0e, not 0x0f): memcached appends too.
    assert memjs.call("get", "ends")["value"] == "-middle-tailhead"
    assert memjs.call("touch", "ends", 100) is True
    assert memjs.call("touch", "absent", 100) is False


def test_flush_empties_the_cache(memjs, served):
    for i in range(5):
        memjs.call("set", f"f{i}", "x", {})
    assert memjs.call("flush") == {served.spec: True}
    assert [memjs.call("get", f"f{i}")["value"] for i in range(5)] == [None] * 5


def test_stats_come_from_the_server(memjs, served):
    memjs.call("set", "one", "1", {})
    memjs.call("get", "one")
    stats = memjs.call("stats")[served.spec]
    assert int(stats["pid"]) == served.process.pid
    assert stats["version"] == "1.6.18"
    assert int(stats["cmd_set"]) >= 1 and int(stats["get_hits"]) >= 1


def test_the_largest_value_round_trips(memjs, served):
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("big"))]
    assert memjs.call("set", "big", value, {}) is True
    assert memjs.call("get", "big")["value"] == value
    with pytest.raises(DriverError, match="MemJS SET: Value too large"):
        memjs.call("set", "big", value + "!", {})
    assert memjs.call("get", "big")["value"] is None  # a too-large set drops the old value


def test_expires_on_the_server_clock(make_memjs, endpoint, server_clock):
    memjs = make_memjs(endpoint)
    memjs.call("set", "short", "x", {"expires": 10})
    memjs.call("set", "long", "x", {"expires": 100})
    server_clock.advance(9)
    assert memjs.call("get", "short")["value"] == "x"
    server_clock.advance(2)
    assert memjs.call("get", "short")["value"] is None
    assert memjs.call("get", "long")["value"] == "x"


def test_a_value_set_by_memjs_is_read_over_the_text_protocol_and_back(make_memjs, endpoint):
    memjs = make_memjs(endpoint)
    memjs.call("set", "crossing", "from memjs", {})
    assert endpoint.raw_value("crossing") == (0, b"from memjs")
    assert endpoint.command("set typed 5 0 9\r\nfrom text") == b"STORED\r\n"
    assert memjs.call("get", "typed") == {"value": "from text", "flags": 5}


def test_memjs_works_against_a_binary_only_server(make_memjs, binary_endpoint):
    memjs = make_memjs(binary_endpoint)
    assert memjs.call("set", "proof", "binary", {}) is True
    assert memjs.call("get", "proof")["value"] == "binary"


def test_a_wrong_password_is_refused(make_memjs, sasl_endpoint):
    memjs = make_memjs(sasl_endpoint, username=SASL_USER.username, password="wrong")
    with pytest.raises(DriverError, match="^string: Memcached server authentication failed!$"):
        memjs.call("set", "k", "v", {})
    assert sasl_endpoint.binary_value("k") is None


def test_without_credentials_a_command_gets_the_authentication_error(make_memjs, sasl_endpoint):
    memjs = make_memjs(sasl_endpoint, username=None, password=None)
    with pytest.raises(DriverError, match="^string: Memcached server authentication failed!$"):
        memjs.call("set", "k", "v", {})
    assert sasl_endpoint.binary_value("k") is None
