"""pylibmc (Debian's python3-pylibmc 1.6.3 over libmemcached 1.1.4), unchanged, with
binary=True: over TCP and the UNIX socket without authentication, and with username and
password over TCP under -S (the only way pylibmc authenticates).

libmemcached logs in with CRAM-MD5 and only over TCP: over a UNIX socket it sends its
commands unauthenticated, against memcached too (error 41, and a GET answers a miss). What
the binary protocol changes for pylibmc, the same against memcached 1.6.18: REPLACE and
CAS of a missing key raise NotFound (status 1) where the text protocol answers False, and
incr's delta must fit a signed 32-bit int (pylibmc's own check)."""

import pylibmc
import pytest

from binary_frames import frame
from endpoints import SASL_USER, largest_value_length


@pytest.fixture
def served(libmemcached_served):
    return libmemcached_served


@pytest.fixture
def make_client():
    made = []

    def make(endpoint, password=None, **behaviors):
        login = {}
        if endpoint.credentials:
            login = dict(username=endpoint.credentials.username, password=password or endpoint.credentials.password)
        c = pylibmc.Client([endpoint.spec], binary=True, behaviors={"connect_timeout": 10000, **behaviors}, **login)
        made.append(c)
        return c

    yield make
    for c in made:
        c.disconnect_all()


@pytest.fixture
def mc(make_client, served):
    return make_client(served)


def test_set_then_get_returns_the_value(mc, served):
    assert mc.set("greeting", b"hello") is True
    assert mc.get("greeting") == b"hello"
    assert mc.get("absent") is None
    assert served.binary_value("greeting") == (0, b"hello")


def test_python_values_round_trip(mc):
    values = {"text": "grüße", "int": 42, "big-int": 10**20, "list": [1, "two", 3.0], "empty": b""}
    assert mc.set_multi(values) == []
    assert mc.get_multi(list(values)) == values


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(mc):
    assert mc.add("k", b"first") is True
    assert mc.add("k", b"second") is False
    with pytest.raises(pylibmc.NotFound):
        mc.replace("other", b"x")
    assert mc.replace("k", b"third") is True
    assert mc.get_multi(["k", "other"]) == {"k": b"third"}


def test_cas_detects_a_concurrent_write(make_client, served):
    mc, other = make_client(served, cas=True), make_client(served)
    mc.set("cas-key", b"v1")
    value, token = mc.gets("cas-key")
    assert value == b"v1"
    other.set("cas-key", b"other writer")
    assert mc.cas("cas-key", b"v2", token) is False
    value, token = mc.gets("cas-key")
    assert value == b"other writer"
    assert mc.cas("cas-key", b"v3", token) is True
    assert mc.get("cas-key") == b"v3"
    with pytest.raises(pylibmc.NotFound):
        mc.cas("absent", b"x", token)


def test_incr_and_decr(mc):
    mc.set("counter", 10)
    assert mc.incr("counter") == 11
    assert mc.incr("counter", 2**31 - 1) == 2**31 + 10
    assert mc.decr("counter", 2**31 - 1) == 11
    assert mc.decr("counter", 25) == 0  # stops at zero
    with pytest.raises(OverflowError):
        mc.incr("counter", 2**31)
    with pytest.raises(pylibmc.NotFound):
        mc.incr("absent")
    mc.set("word", b"ten")
    with pytest.raises(pylibmc.UnknownReadFailure):
        mc.incr("word")
    assert mc.get("word") == b"ten"


def test_get_multi_of_hundreds_of_long_keys_reads_them_all(mc):
    keys = [f"{i:03}" + "k" * 247 for i in range(400)]
    assert mc.set_multi({k: k[:3].encode() for k in keys}) == []
    assert mc.get_multi(keys + ["absent"]) == {k: k[:3].encode() for k in keys}


def test_delete_and_delete_multi(mc):
    mc.set_multi({"a": b"1", "b": b"2", "c": b"3"})
    assert mc.delete("a") is True
    assert mc.delete("a") is False
    assert mc.get("a") is None
    mc.delete_multi(["b", "absent"])
    assert mc.get_multi(["a", "b", "c"]) == {"c": b"3"}


def test_append_prepend_and_touch(mc):
    assert mc.append("ends", b"x") is False
    mc.set("ends", b"-middle-")
    assert mc.append("ends", b"tail") is True
    assert mc.prepend("ends", b"head") is True
    assert mc.get("ends") == b"head-middle-tail"
    assert mc.touch("ends", 100) is True
    assert mc.touch("absent", 100) is False


def test_flush_all_and_stats(mc, served):
    mc.set_multi({f"f{i}": b"x" for i in range(10)})
    assert mc.flush_all() is True
    assert mc.get_multi([f"f{i}" for i in range(10)]) == {}
    [(_, stats)] = mc.get_stats()
    assert int(stats["pid"]) == served.process.pid
    assert stats["version"] == b"1.6.18"


def test_the_largest_item_is_stored_whole_and_one_byte_more_is_too_big(mc):
    key = "k" * 250
    value = b"\x01\x02" * (largest_value_length(250) // 2)
    assert mc.set(key, value) is True
    assert mc.get(key) == value
    with pytest.raises(pylibmc.TooBig):
        mc.set(key, value + b"!!")
    assert mc.get(key) is None  # a too-large set drops the old value


def test_no_block_pipelines_every_reply_in_step(make_client, served):
    mc = make_client(served, tcp_nodelay=True, no_block=True)
    values = {f"nb-{i}": f"value-{i}".encode() * (i + 1) for i in range(300)}
    assert mc.set_multi(values) == []
    assert mc.get_multi(list(values)) == values
    assert mc.add("nb-0", b"no") is False
    assert served.binary_value("nb-0") == (0, b"value-0")


def test_noreply_sends_quiet_stores(make_client, served):
    # In the binary protocol libmemcached's noreply is the quiet opcodes (SETQ, DELETEQ...),
    # which the server answers only when they fail. Only successes here: libmemcached 1.1.4
    # reads a failed quiet command's answer as the answer to a later command, sometimes,
    # by timing, against memcached as against memstripe.
    quiet = make_client(served, _noreply=True)
    values = {f"quiet-{i}": str(i).encode() for i in range(300)}
    for key, value in values.items():
        quiet.set(key, value)
    quiet.delete("quiet-0")
    del values["quiet-0"]
    assert quiet.get_multi([f"quiet-{i}" for i in range(300)]) == values
    assert served.binary_value("quiet-299") == (0, b"299")


def test_expiry_on_the_server_clock(make_client, endpoint, server_clock):
    mc = make_client(endpoint)
    mc.set("short", b"x", time=10)
    mc.set("extended", b"x", time=10)
    mc.touch("extended", 100)
    server_clock.advance(11)
    assert mc.get_multi(["short", "extended"]) == {"extended": b"x"}


def test_a_value_set_over_binary_is_read_over_text_and_back(make_client, endpoint):
    mc = make_client(endpoint)
    mc.set("crossing", b"from pylibmc")
    assert endpoint.raw_value("crossing") == (0, b"from pylibmc")
    assert endpoint.command("set typed 0 0 9\r\nfrom text") == b"STORED\r\n"
    assert mc.get("typed") == b"from text"


def test_pylibmc_binary_works_against_a_binary_only_server(make_client, binary_endpoint):
    mc = make_client(binary_endpoint)
    assert mc.set("proof", b"binary") is True
    assert mc.get("proof") == b"binary"


def sasl_counters(endpoint):
    stats = {p.key: p.value for p in endpoint.binary(frame("stat"))}
    return int(stats[b"auth_cmds"]), int(stats[b"auth_errors"])


def test_a_wrong_password_is_refused_and_counted(make_client, clusters):
    sasl = clusters(1, "sasl").endpoint("tcp")
    cmds, errors = sasl_counters(sasl)
    mc = make_client(sasl, password="wrong")
    with pytest.raises(pylibmc.Error, match="AUTHENTICATION FAILURE"):
        mc.set("k", b"v")
    assert sasl.binary_value("k") is None
    after_cmds, after_errors = sasl_counters(sasl)
    assert after_errors == errors + 1 and after_cmds > cmds


def test_without_credentials_a_sasl_server_refuses(make_client, clusters):
    sasl = clusters(1, "sasl").endpoint("tcp")
    mc = pylibmc.Client([sasl.spec], binary=True)
    with pytest.raises(pylibmc.Error, match="error 41"):
        mc.set("k", b"v")
    assert sasl.binary_value("k") is None


def test_over_the_unix_socket_libmemcached_does_not_log_in(make_client, clusters):
    sasl = clusters(1, "sasl").endpoint("unix")
    mc = make_client(sasl)
    with pytest.raises(pylibmc.Error, match="error 41"):
        mc.set("k", b"v")
    assert mc.get("k") is None  # the refusal reads as a miss
    assert sasl.binary_value("k") is None
