"""Debian's spymemcached 2.12.3 (libspymemcached-java) on the JDK, unchanged, in the binary
protocol: BinaryConnectionFactory without authentication, and under -S a binary
ConnectionFactoryBuilder with an AuthDescriptor for PLAIN. java/SpyDriver.java is
compiled once per run of this module, into a temporary directory (conftest's
spy_classpath). spymemcached connects through InetSocketAddress: TCP only, it cannot reach
a UNIX socket.

spymemcached's own ways, the same against memcached 1.6.18: incr/decr of a missing key
without a default answer -1; with a default they create the key holding the default."""

import pytest

from binary_frames import frame
from driver import DriverError
from endpoints import SASL_USER, largest_value_length


@pytest.fixture(params=["tcp"])
def transport(request):
    """spymemcached reaches TCP only."""
    return request.param


@pytest.fixture
def make_spy(drivers, spy_classpath):
    def make(endpoint, password=None, shared=True, deadline_ms=5000):
        login = []
        if endpoint.credentials:
            login = [endpoint.credentials.username, password or endpoint.credentials.password]
        return drivers("java", "-XX:TieredStopAtLevel=1", f"-Dspydriver.deadline_ms={deadline_ms}",
                       "-cp", spy_classpath, "SpyDriver", "binary", endpoint.spec, *login, shared=shared, timeout=20)
    return make


@pytest.fixture
def spy(make_spy, served):
    return make_spy(served)


def test_set_then_get_returns_the_value(spy, served):
    assert spy.call("set", "greeting", 0, "hello") is True
    assert spy.call("get", "greeting") == "hello"
    assert spy.call("get", "absent") is None
    assert served.binary_value("greeting") == (0, b"hello")


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(spy):
    assert spy.call("add", "k", 0, "first") is True
    assert spy.call("add", "k", 0, "second") is False
    assert spy.call("replace", "other", 0, "x") is False
    assert spy.call("replace", "k", 0, "third") is True
    assert spy.call("getBulk", ["k", "other"]) == {"k": "third"}


def test_cas_detects_a_concurrent_write(spy, make_spy, served):
    spy.call("set", "cas-key", 0, "v1")
    first = spy.call("gets", "cas-key")
    assert first["value"] == "v1"
    make_spy(served, shared=False).call("set", "cas-key", 0, "other writer")
    assert spy.call("cas", "cas-key", first["cas"], "v2") == "EXISTS"
    current = spy.call("gets", "cas-key")
    assert current["value"] == "other writer" and current["cas"] != first["cas"]
    assert spy.call("cas", "cas-key", current["cas"], "v3") == "OK"
    assert spy.call("get", "cas-key") == "v3"
    assert spy.call("cas", "absent", current["cas"], "x") == "NOT_FOUND"


def test_incr_and_decr(spy):
    assert spy.call("incr", "hits", 1) == -1  # missing, no default: not created
    assert spy.call("get", "hits") is None
    assert spy.call("incr", "hits", 5, 10, 0) == 10  # created with the default
    assert spy.call("incr", "hits", 5) == 15
    assert spy.call("decr", "hits", 100) == 0  # stops at zero
    assert spy.call("incr", "hits", 2**40) == 2**40  # 64 bits


def test_get_bulk_reads_hundreds_of_keys(spy):
    values = {f"bulk-{i}-" + "k" * 200: str(i) for i in range(300)}
    for key, value in values.items():
        spy.call("set", key, 0, value)
    assert spy.call("getBulk", list(values) + ["absent"]) == values


def test_delete_append_prepend_and_touch(spy):
    assert spy.call("append", "ends", "x") is False
    spy.call("set", "ends", 0, "-middle-")
    assert spy.call("append", "ends", "tail") is True
    assert spy.call("prepend", "ends", "head") is True
    assert spy.call("get", "ends") == "head-middle-tail"
    assert spy.call("touch", "ends", 100) is True
    assert spy.call("touch", "absent", 100) is False
    assert spy.call("delete", "ends") is True
    assert spy.call("delete", "ends") is False
    assert spy.call("get", "ends") is None


def test_flush_stats_and_versions(spy, served):
    spy.call("set", "one", 0, "1")
    assert spy.call("flush") is True
    assert spy.call("get", "one") is None
    [(name, stats)] = spy.call("getStats").items()
    assert name == served.spec and int(stats["pid"]) == served.process.pid
    assert spy.call("getVersions") == {served.spec: "1.6.18"}
    settings = spy.call("getStats", "settings")[served.spec]
    assert settings["binding_protocol"] == ("binary" if served.credentials else "auto-negotiate")


def test_the_largest_value_round_trips(spy):
    # spymemcached compresses values over 16 KB: a random-looking one stays this size.
    value = "".join(chr(0x21 + (i * 7919 + i // 94) % 94) for i in range(largest_value_length(len("big"))))
    assert spy.call("set", "big", 0, value) is True
    assert spy.call("get", "big") == value


def test_expiry_on_the_server_clock(make_spy, endpoint, server_clock):
    spy = make_spy(endpoint)
    spy.call("set", "short", 10, "x")
    spy.call("set", "touched", 10, "x")
    assert spy.call("touch", "touched", 100) is True
    server_clock.advance(11)
    assert spy.call("getBulk", ["short", "touched"]) == {"touched": "x"}


def test_a_value_set_over_binary_is_read_over_text_and_back(make_spy, endpoint):
    spy = make_spy(endpoint)
    spy.call("set", "crossing", 0, "from java")
    assert endpoint.raw_value("crossing") == (0, b"from java")
    assert endpoint.command("set typed 0 0 9\r\nfrom text") == b"STORED\r\n"
    assert spy.call("get", "typed") == "from text"


def test_spymemcached_works_against_a_binary_only_server(make_spy, binary_endpoint):
    spy = make_spy(binary_endpoint)
    assert spy.call("set", "proof", 0, "binary") is True
    assert spy.call("get", "proof") == "binary"


def auth_errors(endpoint):
    return int({p.key: p.value for p in endpoint.binary(frame("stat"))}[b"auth_errors"])


def test_a_wrong_password_is_refused(make_spy, sasl_endpoint):
    # spymemcached logs the refusal and tries again; the operation waits until its deadline.
    before = auth_errors(sasl_endpoint)
    spy = make_spy(sasl_endpoint, password="wrong", deadline_ms=1000)
    with pytest.raises(DriverError, match="TimeoutException"):
        spy.call("set", "k", 0, "v")
    assert sasl_endpoint.binary_value("k") is None
    assert auth_errors(sasl_endpoint) > before
