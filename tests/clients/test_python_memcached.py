"""python-memcached (Debian's python3-memcache 1.59, module version 1.58), unchanged,
every test once per transport: "host:port" for TCP and the "unix:/path" form for the
socket.

python-memcached hides most failures: a dead connection or an unexpected reply turns into
0, None or False. So every test checks what was stored, not only what a call returned."""

import memcache
import pytest

from endpoints import MAX_KEY_LENGTH, largest_value_length


@pytest.fixture
def make_client(endpoint):
    made = []

    def make(**options):
        c = memcache.Client([endpoint.prefixed_spec], socket_timeout=10, **options)
        made.append(c)
        return c

    yield make
    for c in made:
        c.disconnect_all()


@pytest.fixture
def mc(make_client):
    return make_client()


def test_set_then_get_returns_the_value(mc):
    assert mc.set("greeting", b"hello") is True
    assert mc.get("greeting") == b"hello"
    assert mc.get("absent") is None


def test_python_values_round_trip_with_their_flags(mc, endpoint):
    values = {"bytes": b"\x00\xff", "text": "grüße", "int": 42, "big-int": 10**20,
              "dict": {"a": [1, 2.5]}, "empty": b""}
    for key, value in values.items():
        assert mc.set(key, value) is True
    assert mc.get_multi(list(values)) == values
    assert endpoint.raw_value("int") == (memcache.Client._FLAG_INTEGER, b"42")
    assert endpoint.raw_value("dict")[0] == memcache.Client._FLAG_PICKLE


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(mc):
    assert mc.add("k", b"first") is True
    assert mc.add("k", b"second") is False
    assert mc.replace("other", b"x") is False
    assert mc.replace("k", b"third") is True
    assert mc.get_multi(["k", "other"]) == {"k": b"third"}


def test_append_and_prepend_extend_an_existing_value(mc):
    assert mc.append("ends", b"x") is False
    mc.set("ends", b"-middle-")
    assert mc.append("ends", b"tail") is True
    assert mc.prepend("ends", b"head") is True
    assert mc.get("ends") == b"head-middle-tail"


def test_delete_removes_the_key(mc):
    mc.set("doomed", b"x")
    assert mc.delete("doomed") == 1
    assert mc.get("doomed") is None
    # python-memcached counts NOT_FOUND as success too: only the stored state tells.
    assert mc.delete("doomed") == 1


def test_delete_multi_removes_every_key(mc):
    mc.set_multi({"d1": b"x", "d2": b"y"})
    assert mc.delete_multi(["d1", "d2", "d3"]) == 1
    assert mc.get_multi(["d1", "d2"]) == {}


def test_incr_and_decr_return_the_new_value(mc):
    assert mc.incr("counter") is None  # NOT_FOUND
    mc.set("counter", 10)
    assert mc.incr("counter", 5) == 15
    assert mc.decr("counter", 20) == 0
    assert mc.get("counter") == 0


def test_incr_of_a_non_numeric_value_surfaces_the_client_error(mc):
    mc.set("word", b"ten")
    # python-memcached parses the reply as a number, so the CLIENT_ERROR line surfaces
    # as a ValueError that quotes it.
    with pytest.raises(ValueError, match="CLIENT_ERROR cannot increment or decrement non-numeric value"):
        mc.incr("word")
    assert mc.get("word") == b"ten"


def test_touch_reports_whether_the_key_exists(mc):
    mc.set("here", b"x")
    assert mc.touch("here", 100) == 1
    assert mc.touch("absent", 100) == 0


def test_touch_and_expiry_follow_the_server_clock(mc, server_clock):
    mc.set("short", b"x", time=10)
    mc.set("extended", b"x", time=10)
    mc.touch("extended", 100)
    server_clock.advance(11)
    assert mc.get_multi(["short", "extended"]) == {"extended": b"x"}


def test_cas_stores_only_with_the_current_token(make_client):
    first, second = make_client(cache_cas=True), make_client(cache_cas=True)
    first.set("cas-key", b"v1")
    assert first.gets("cas-key") == b"v1"
    assert second.gets("cas-key") == b"v1"
    assert first.cas("cas-key", b"v2") is True
    assert second.cas("cas-key", b"v3") is False  # its token went stale
    assert second.get("cas-key") == b"v2"


def test_set_multi_and_get_multi_with_a_key_prefix(mc, endpoint):
    assert mc.set_multi({"a": b"1", "b": "two", "c": 3}, key_prefix="user:") == []
    assert mc.get_multi(["a", "b", "c", "d"], key_prefix="user:") == {"a": b"1", "b": "two", "c": 3}
    assert endpoint.raw_value("user:a") == (0, b"1")


def test_flush_all_empties_the_cache(mc):
    mc.set_multi({f"f{i}": b"x" for i in range(10)})
    mc.flush_all()
    assert mc.get_multi([f"f{i}" for i in range(10)]) == {}
    assert mc.add("f0", b"again") is True


def test_get_stats_reports_the_server(mc, endpoint):
    mc.set("one", b"1")
    [(name, stats)] = mc.get_stats()
    assert name.startswith(endpoint.prefixed_spec)
    assert int(stats["pid"]) == endpoint.process.pid
    assert int(stats["curr_items"]) >= 1
    [(_, settings)] = mc.get_stats("settings")
    assert int(settings["item_size_max"]) == 1024 * 1024


NOREPLY_COMMANDS = {
    "add on an existing key": lambda c: c.add("subject", b"x", noreply=True),
    "replace on a missing key": lambda c: c.replace("missing", b"x", noreply=True),
    "append on a missing key": lambda c: c.append("missing", b"x", noreply=True),
    "delete on a missing key": lambda c: c.delete("missing", noreply=True),
    "touch on a missing key": lambda c: c.touch("missing", 10, noreply=True),
    "incr on a missing key": lambda c: c.incr("missing", 1, noreply=True),
    "incr of a non-numeric value": lambda c: c.incr("subject", 1, noreply=True),
    "set over the size limit":
        lambda c: c.set("subject", b"x" * (largest_value_length(len("subject")) + 1), noreply=True),
    "set": lambda c: c.set("subject", b"y", noreply=True),
}


@pytest.mark.parametrize("command", list(NOREPLY_COMMANDS))
def test_noreply_commands_leave_the_connection_in_step(mc, command):
    mc.set("subject", b"old")
    NOREPLY_COMMANDS[command](mc)
    mc.set("sentinel", b"in step")
    assert mc.get("sentinel") == b"in step"
    assert mc.get_multi(["sentinel", "missing"]) == {"sentinel": b"in step"}
    assert mc.add("sentinel", b"no") is False


def test_the_largest_item_is_stored_whole(mc):
    key = "k" * MAX_KEY_LENGTH
    value = b"\xfe" * largest_value_length(MAX_KEY_LENGTH)
    assert mc.set(key, value) is True
    assert mc.get(key) == value


def test_one_byte_over_the_item_limit_is_refused_and_drops_the_old_value(mc):
    mc.set("big", b"old")
    assert mc.set("big", b"x" * (largest_value_length(len("big")) + 1)) is False
    assert mc.get("big") is None
    assert mc.set("big", b"fits") is True


def test_key_length_is_counted_in_utf8_bytes(mc):
    assert mc.set("é" * (MAX_KEY_LENGTH // 2), "fits") is True
    assert mc.get("é" * (MAX_KEY_LENGTH // 2)) == "fits"
    with pytest.raises(memcache.Client.MemcachedKeyLengthError):
        mc.set("é" * (MAX_KEY_LENGTH // 2) + "e", "too long")


def test_a_value_stored_over_one_transport_is_read_over_the_other(transport_pair):
    tcp, unix = transport_pair
    writer = memcache.Client([tcp.prefixed_spec], socket_timeout=10)
    reader = memcache.Client([unix.prefixed_spec], socket_timeout=10)
    writer.set("crossing", {"via": "tcp"})
    assert reader.get("crossing") == {"via": "tcp"}
