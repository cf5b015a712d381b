"""Debian's php-memcached 3.2.0 (over libmemcached 1.1.4) under php-cli, unchanged, with
Memcached::OPT_BINARY_PROTOCOL on: over TCP and over the UNIX socket without
authentication, and over TCP under -S with setSaslAuthData.

libmemcached authenticates (CRAM-MD5, the strongest mechanism the server lists) only over
TCP: over a UNIX socket it sends its commands without logging in, against memcached too, so
there the tests pin the refusal. php-memcached reports what went wrong through
getResultCode(): the driver answers [returned value, result code name]. In the binary
protocol an ADD of a present key is RES_DATA_EXISTS (the text protocol's is RES_NOTSTORED)."""

import os

import pytest

from endpoints import SASL_USER, Credentials, largest_value_length

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "php", "memcached_driver.php")
OK = "RES_SUCCESS"


@pytest.fixture
def make_php(drivers):
    def make(endpoint, credentials=None, shared=True):
        credentials = credentials or endpoint.credentials
        login = [credentials.username, credentials.password] if credentials else []
        return drivers("php", DRIVER, "binary", endpoint.spec, *login, shared=shared)
    return make


@pytest.fixture
def served(libmemcached_served):
    return libmemcached_served


@pytest.fixture
def php(make_php, served):
    return make_php(served)


def test_set_then_get_returns_the_value(php, served):
    assert php.call("set", "greeting", "hello") == [True, OK]
    assert php.call("get", "greeting") == ["hello", OK]
    assert php.call("get", "absent") == [False, "RES_NOTFOUND"]
    assert served.binary_value("greeting") == (0, b"hello")


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(php):
    assert php.call("add", "k", "first") == [True, OK]
    assert php.call("add", "k", "second") == [False, "RES_DATA_EXISTS"]
    assert php.call("replace", "other", "x") == [False, "RES_NOTFOUND"]
    assert php.call("replace", "k", "third") == [True, OK]
    assert php.call("getMulti", ["k", "other"]) == [{"k": "third"}, OK]


def test_cas_detects_a_concurrent_write(php, make_php, served):
    php.call("set", "cas-key", "v1")
    [item, _] = php.call("get", "cas-key", None, "Memcached::GET_EXTENDED")
    assert item["value"] == "v1" and item["cas"] > 0
    make_php(served, shared=False).call("set", "cas-key", "other writer")
    assert php.call("cas", item["cas"], "cas-key", "v2") == [False, "RES_DATA_EXISTS"]
    [item, _] = php.call("get", "cas-key", None, "Memcached::GET_EXTENDED")
    assert item["value"] == "other writer"
    assert php.call("cas", item["cas"], "cas-key", "v3") == [True, OK]
    assert php.call("get", "cas-key") == ["v3", OK]
    assert php.call("cas", item["cas"], "absent", "x") == [False, "RES_NOTFOUND"]


def test_increment_and_decrement_with_an_initial_value(php):
    assert php.call("increment", "hits", 1) == [False, "RES_NOTFOUND"]
    assert php.call("increment", "hits", 5, 10) == [10, OK]  # created with the initial value
    assert php.call("increment", "hits", 5, 10) == [15, OK]
    assert php.call("decrement", "hits", 100) == [0, OK]  # stops at zero
    assert php.call("decrement", "fresh", 1, 7) == [7, OK]
    php.call("set", "word", "ten")
    assert php.call("increment", "word", 1)[0] is False  # not a number: the server refuses
    assert php.call("get", "word") == ["ten", OK]


def test_get_multi_reads_hundreds_of_keys(php):
    values = {f"multi-{i}-" + "k" * 200: str(i) for i in range(300)}
    assert php.call("setMulti", values) == [True, OK]
    assert php.call("getMulti", list(values) + ["absent"]) == [values, OK]


def test_buffered_noreply_writes_stay_in_step(make_php, served):
    # OPT_NOREPLY in the binary protocol sends the quiet opcodes; OPT_BUFFER_WRITES holds
    # them until a command needs an answer. Only successes here: libmemcached 1.1.4 reads a
    # failed quiet command's answer as the answer to a later command, sometimes, by timing,
    # against memcached as against memstripe.
    php = make_php(served, shared=False)
    php.call("setOption", "Memcached::OPT_NOREPLY", True)
    php.call("setOption", "Memcached::OPT_BUFFER_WRITES", True)
    for i in range(100):
        php.call("set", f"buffered-{i}", str(i))
    php.call("delete", "buffered-1")
    assert php.call("flushBuffers")[0] is True
    found, _ = php.call("getMulti", [f"buffered-{i}" for i in range(100)])
    assert found == {f"buffered-{i}": str(i) for i in range(100) if i != 1}
    assert served.binary_value("buffered-99") == (0, b"99")


def test_delete_and_delete_multi(php):
    php.call("setMulti", {"a": "1", "b": "2", "c": "3"})
    assert php.call("delete", "a") == [True, OK]
    assert php.call("delete", "a") == [False, "RES_NOTFOUND"]
    deleted, _ = php.call("deleteMulti", ["b", "absent"])
    assert deleted["b"] is True and deleted["absent"] is not True
    assert php.call("getMulti", ["a", "b", "c"]) == [{"c": "3"}, OK]


def test_append_prepend_and_touch(make_php, served):
    php = make_php(served, shared=False)
    assert php.call("setOption", "Memcached::OPT_COMPRESSION", False) == [True, OK]  # append needs it off
    assert php.call("append", "ends", "x") == [False, "RES_NOTSTORED"]
    php.call("set", "ends", "-middle-")
    assert php.call("append", "ends", "tail") == [True, OK]
    assert php.call("prepend", "ends", "head") == [True, OK]
    assert php.call("get", "ends") == ["head-middle-tail", OK]
    assert php.call("touch", "ends", 100) == [True, OK]
    assert php.call("touch", "absent", 100) == [False, "RES_NOTFOUND"]


def test_flush_stats_and_version(php, served):
    php.call("set", "one", "1")
    assert php.call("flush") == [True, OK]
    assert php.call("get", "one") == [False, "RES_NOTFOUND"]
    by_server, code = php.call("getStats")
    [(name, stats)] = by_server.items()
    assert code == OK
    assert stats["pid"] == served.process.pid
    assert int(stats["cmd_flush"]) >= 1
    assert php.call("getVersion") == [{name: "1.6.18"}, OK]


def test_the_largest_value_round_trips_and_one_byte_more_is_too_big(make_php, served):
    php = make_php(served, shared=False)
    php.call("setOption", "Memcached::OPT_COMPRESSION", False)
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("big"))]
    assert php.call("set", "big", value) == [True, OK]
    assert php.call("get", "big") == [value, OK]
    assert php.call("set", "big", value + "!") == [False, "RES_E2BIG"]
    assert php.call("get", "big") == [False, "RES_NOTFOUND"]  # a too-large set drops the old value


def test_expiry_on_the_server_clock(make_php, endpoint, server_clock):
    php = make_php(endpoint)
    php.call("set", "short", "x", 10)
    php.call("set", "touched", "x", 10)
    php.call("touch", "touched", 100)
    server_clock.advance(11)
    assert php.call("getMulti", ["short", "touched"]) == [{"touched": "x"}, OK]


def test_a_value_set_over_binary_is_read_over_text_and_back(make_php, endpoint):
    php = make_php(endpoint)
    php.call("set", "crossing", "from php")
    assert endpoint.raw_value("crossing") == (0, b"from php")
    assert endpoint.command("set typed 0 0 9\r\nfrom text") == b"STORED\r\n"
    assert php.call("get", "typed") == ["from text", OK]


def test_php_memcached_works_against_a_binary_only_server(make_php, binary_endpoint):
    php = make_php(binary_endpoint)
    assert php.call("set", "proof", "binary") == [True, OK]
    assert php.call("get", "proof") == ["binary", OK]


def test_a_wrong_password_is_refused(make_php, clusters):
    sasl = clusters(1, "sasl").endpoint("tcp")
    php = make_php(sasl, Credentials(SASL_USER.username, "wrong"))
    assert php.call("set", "k", "v") == [False, "RES_AUTH_FAILURE"]
    assert sasl.binary_value("k") is None


def test_over_the_unix_socket_libmemcached_does_not_log_in(make_php, clusters):
    sasl = clusters(1, "sasl").endpoint("unix")
    php = make_php(sasl)
    assert php.call("set", "k", "v") == [False, "RES_AUTH_FAILURE"]
    assert sasl.binary_value("k") is None
