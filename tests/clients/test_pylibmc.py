"""pylibmc (Debian's python3-pylibmc 1.6.3 over libmemcached 1.1.4), unchanged, in the text
protocol, every test once per transport. libmemcached takes the UNIX socket as a plain path.

libmemcached parses every reply line strictly: a reply it does not expect fails the call
with an error, and a reply left over from a noreply command is read as the answer to the
next one."""

import pylibmc
import pytest

from endpoints import MAX_KEY_LENGTH, largest_value_length


@pytest.fixture
def make_client(endpoint):
    made = []

    def make(**behaviors):
        c = pylibmc.Client([endpoint.spec], behaviors={"connect_timeout": 10000, **behaviors})
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


def test_python_values_round_trip(mc):
    values = {"bytes": b"\x00\xff", "text": "grüße", "int": 42, "big-int": 10**20,
              "list": [1, "two", 3.0], "empty": b""}
    for key, value in values.items():
        assert mc.set(key, value) is True
    for key, value in values.items():
        assert mc.get(key) == value
        assert type(mc.get(key)) is type(value)


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


def test_delete_reports_whether_the_key_existed(mc):
    mc.set("doomed", b"x")
    assert mc.delete("doomed") is True
    assert mc.delete("doomed") is False
    assert mc.get("doomed") is None


def test_delete_multi_removes_every_key(mc):
    mc.set_multi({"d1": b"x", "d2": b"y"})
    assert mc.delete_multi(["d1", "d2"]) is True
    assert mc.get_multi(["d1", "d2"]) == {}


def test_incr_and_decr_return_the_new_value(mc):
    mc.set("counter", 10)
    assert mc.incr("counter") == 11
    assert mc.incr("counter", 9) == 20
    assert mc.decr("counter", 25) == 0  # decr stops at zero
    assert mc.get("counter") == 0


def test_incr_of_a_missing_key_raises_not_found(mc):
    with pytest.raises(pylibmc.NotFound):
        mc.incr("absent")


def test_incr_of_a_non_numeric_value_is_a_client_error(mc):
    mc.set("word", b"ten")
    with pytest.raises(pylibmc.ClientError):
        mc.incr("word")
    assert mc.get("word") == b"ten"


def test_touch_reports_whether_the_key_exists(mc):
    mc.set("here", b"x")
    assert mc.touch("here", 100) is True
    assert mc.touch("absent", 100) is False


def test_touch_and_expiry_follow_the_server_clock(mc, server_clock):
    mc.set("short", b"x", time=10)
    mc.set("extended", b"x", time=10)
    mc.touch("extended", 100)
    server_clock.advance(11)
    assert mc.get_multi(["short", "extended"]) == {"extended": b"x"}


def test_flush_all_empties_the_cache(mc):
    mc.set_multi({f"f{i}": b"x" for i in range(10)})
    assert mc.flush_all() is True
    assert mc.get_multi([f"f{i}" for i in range(10)]) == {}


def test_set_multi_and_get_multi_with_a_key_prefix(mc, endpoint):
    assert mc.set_multi({"a": b"1", "b": "two", "c": 3}, key_prefix="user:") == []
    assert mc.get_multi(["a", "b", "c", "d"], key_prefix="user:") == {"a": b"1", "b": "two", "c": 3}
    assert endpoint.raw_value("user:a") == (0, b"1")
    assert mc.get("a") is None


def test_get_multi_of_hundreds_of_long_keys_reads_them_all(mc):
    # One `get` line of about 100 KB: memcached exempts get/gets from its 2048-byte limit.
    keys = [f"{i:03}" + "k" * (MAX_KEY_LENGTH - 3) for i in range(400)]
    assert mc.set_multi({k: k[:3].encode() for k in keys}) == []
    assert mc.get_multi(keys) == {k: k[:3].encode() for k in keys}


def test_incr_multi_increments_every_key(mc):
    mc.set_multi({"x": 1, "y": 10}, key_prefix="hits:")
    assert mc.incr_multi(["x", "y"], key_prefix="hits:", delta=5) is None
    assert mc.get_multi(["x", "y"], key_prefix="hits:") == {"x": 6, "y": 15}


def test_cas_stores_only_with_the_current_token(make_client):
    mc = make_client(cas=True)
    mc.set("cas-key", b"v1")
    value, token = mc.gets("cas-key")
    assert value == b"v1"
    assert mc.cas("cas-key", b"v2", token) is True
    assert mc.cas("cas-key", b"v3", token) is False
    assert mc.gets("cas-key")[0] == b"v2"
    with pytest.raises(pylibmc.NotFound):
        mc.cas("absent", b"x", token)


def test_tcp_nodelay_and_no_block_keep_every_reply_in_step(make_client, endpoint):
    mc = make_client(tcp_nodelay=True, no_block=True)
    values = {f"nb-{i}": f"value-{i}".encode() * (i + 1) for i in range(300)}
    assert mc.set_multi(values) == []
    assert mc.get_multi(list(values)) == values
    big = b"z" * largest_value_length(len("nb-big"))
    assert mc.set("nb-big", big) is True
    assert mc.get("nb-big") == big
    mc.set("nb-counter", 1)
    assert mc.incr_multi(["nb-counter"], delta=1) is None
    assert mc.get("nb-counter") == 2
    assert mc.add("nb-0", b"no") is False
    assert endpoint.raw_value("nb-0") == (0, b"value-0")


def test_noreply_mode_keeps_the_connection_in_step(make_client):
    quiet = make_client(_noreply=True)
    quiet.set("subject", b"old")
    quiet.add("subject", b"refused")       # NOT_STORED, unsent
    quiet.replace("missing", b"refused")   # NOT_STORED, unsent
    quiet.append("missing", b"refused")
    quiet.delete("missing")                # NOT_FOUND, unsent
    quiet.set("subject", b"x" * (1024 * 1024))  # too large, unsent; drops the old value
    quiet.set("sentinel", b"in step")
    assert quiet.get("sentinel") == b"in step"
    assert quiet.get_multi(["sentinel", "subject", "missing"]) == {"sentinel": b"in step"}


def test_the_largest_item_is_stored_whole(mc):
    key = "k" * MAX_KEY_LENGTH
    value = b"\x01\x02" * (largest_value_length(MAX_KEY_LENGTH) // 2)
    assert mc.set(key, value) is True
    assert mc.get(key) == value


def test_one_byte_over_the_item_limit_is_too_big_and_drops_the_old_value(mc):
    mc.set("big", b"old")
    with pytest.raises(pylibmc.TooBig):
        mc.set("big", b"x" * (largest_value_length(len("big")) + 1))
    assert mc.get("big") is None
    assert mc.set("big", b"fits") is True


def test_a_251_byte_key_is_refused_and_a_250_byte_key_accepted(mc):
    with pytest.raises(ValueError, match="too long"):
        mc.set("k" * (MAX_KEY_LENGTH + 1), b"x")
    assert mc.set("k" * MAX_KEY_LENGTH, b"x") is True
    assert mc.get("k" * MAX_KEY_LENGTH) == b"x"


def test_get_stats_reports_the_server(mc, endpoint):
    mc.set("one", b"1")
    mc.get("one")
    [(name, stats)] = mc.get_stats()
    assert name.decode().startswith(endpoint.spec)
    assert int(stats["pid"]) == endpoint.process.pid
    assert int(stats["curr_items"]) >= 1 and int(stats["get_hits"]) >= 1
    assert stats["version"] == endpoint.command("version").split()[1]


def test_ketama_spreads_keys_over_three_servers_and_reads_them_all_back(clusters, transport):
    endpoints = clusters(3).endpoints(transport)
    for e in endpoints:
        e.flush()
    mc = pylibmc.Client([e.spec for e in endpoints], behaviors={"ketama": True})
    assert mc.behaviors["distribution"] == "consistent ketama"
    values = {f"ring-{i}": str(i).encode() for i in range(300)}
    assert mc.set_multi(values) == []
    shares = [sum(e.raw_value(k) is not None for k in values) for e in endpoints]
    assert sum(shares) == 300 and min(shares) > 0, shares
    assert mc.get_multi(list(values)) == values
    mc.disconnect_all()


def test_a_value_stored_over_one_transport_is_read_over_the_other(transport_pair):
    tcp, unix = transport_pair
    writer, reader = pylibmc.Client([tcp.spec]), pylibmc.Client([unix.spec])
    writer.set("crossing", {"via": "tcp"})
    assert reader.get("crossing") == {"via": "tcp"}
