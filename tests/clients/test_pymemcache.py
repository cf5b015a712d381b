"""pymemcache (Debian's python3-pymemcache 3.5.2), unchanged: Client, PooledClient and
HashClient over two servers, every test once per transport.

pymemcache reads exactly the reply lines it expects and trusts them, so a missing,
extra or wrong reply shows up as a wrong result or an exception in a later command."""

import json
import threading
import uuid

import pytest
from pymemcache import serde
from pymemcache.client.base import Client, PooledClient
from pymemcache.client.hash import HashClient
from pymemcache.exceptions import (
    MemcacheClientError,
    MemcacheIllegalInputError,
    MemcacheServerError,
)

from endpoints import MAX_KEY_LENGTH, ServerClock, largest_value_length, require_memstripe

TIMEOUTS = {"connect_timeout": 10, "timeout": 10}


@pytest.fixture(params=["Client", "PooledClient", "HashClient"])
def servers(request, clusters, transport):
    """The servers behind one kind of client: one, or two for HashClient. Flushed."""
    size = 2 if request.param == "HashClient" else 1
    endpoints = clusters(size).endpoints(transport)
    for e in endpoints:
        e.flush()
    return request.param, endpoints


@pytest.fixture
def make_client(servers):
    """Builds the parametrised kind of client over its servers, with pymemcache's own
    defaults unless a test says otherwise (the default is noreply for stores)."""
    kind, endpoints = servers
    made = []

    def make(**options):
        options = {**TIMEOUTS, **options}
        if kind == "Client":
            c = Client(endpoints[0].address, **options)
        elif kind == "PooledClient":
            c = PooledClient(endpoints[0].address, max_pool_size=8, **options)
        else:
            c = HashClient([e.address for e in endpoints], **options)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


@pytest.fixture
def mc(make_client):
    """A client that waits for every reply, so each result says what the server said."""
    return make_client(default_noreply=False)


@pytest.fixture
def clock(servers):
    """The debug clock of every server behind the client."""
    require_memstripe("the debug clock (memcached has no debug_advance_clock)")
    return ServerClock(*servers[1])


@pytest.fixture
def single(endpoint):
    """A plain Client for what HashClient lacks (stats, version)."""
    c = Client(endpoint.address, default_noreply=False, **TIMEOUTS)
    yield c
    c.close()


def server_of(servers, key):
    """The endpoint that holds `key`: found by asking each server, not the client."""
    holders = [e for e in servers[1] if e.raw_value(key) is not None]
    assert len(holders) == 1, f"{key} is on {len(holders)} servers"
    return holders[0]


# -- storage commands -------------------------------------------------------------------

def test_set_then_get_returns_the_value(mc):
    assert mc.set("greeting", b"hello") is True
    assert mc.get("greeting") == b"hello"


def test_get_of_a_missing_key_returns_the_default(mc):
    assert mc.get("absent") is None
    assert mc.get("absent", default=b"fallback") == b"fallback"


def test_set_many_then_get_many_returns_every_stored_value(mc):
    values = {f"many-{i}": f"value-{i}".encode() for i in range(50)}
    assert mc.set_many(values) == []
    got = mc.get_many(list(values) + ["many-absent"])
    assert got == values


def test_get_many_of_hundreds_of_long_keys_reads_them_all(mc):
    # One `get` line of about 100 KB: memcached exempts get/gets from its 2048-byte limit.
    keys = [f"{i:03}" + "k" * (MAX_KEY_LENGTH - 3) for i in range(400)]
    assert mc.set_many({k: k[:3].encode() for k in keys}) == []
    assert mc.get_many(keys) == {k: k[:3].encode() for k in keys}
    assert {k: v for k, (v, _) in mc.gets_many(keys).items()} == {k: k[:3].encode() for k in keys}


def test_add_stores_only_a_key_that_is_missing(mc):
    assert mc.add("add-key", b"first") is True
    assert mc.add("add-key", b"second") is False
    assert mc.get("add-key") == b"first"


def test_replace_stores_only_a_key_that_exists(mc):
    assert mc.replace("replace-key", b"nothing to replace") is False
    assert mc.get("replace-key") is None
    mc.set("replace-key", b"old")
    assert mc.replace("replace-key", b"new") is True
    assert mc.get("replace-key") == b"new"


def test_append_and_prepend_extend_an_existing_value(mc):
    assert mc.append("ends", b"tail") is False
    assert mc.prepend("ends", b"head") is False
    assert mc.get("ends") is None
    mc.set("ends", b"-middle-", flags=7)
    assert mc.append("ends", b"tail") is True
    assert mc.prepend("ends", b"head") is True
    assert mc.get("ends") == b"head-middle-tail"


def test_append_keeps_the_flags_of_the_stored_item(mc, servers):
    mc.set("flagged", b"a", flags=7)
    mc.append("flagged", b"b", flags=99)
    assert server_of(servers, "flagged").raw_value("flagged") == (7, b"ab")


def test_cas_stores_only_with_the_current_token(mc):
    assert mc.cas("cas-key", b"never", cas=1) is None  # NOT_FOUND
    mc.set("cas-key", b"v1")
    value, token = mc.gets("cas-key")
    assert value == b"v1"
    assert mc.cas("cas-key", b"v2", cas=token) is True
    assert mc.cas("cas-key", b"v3", cas=token) is False  # EXISTS: the token is stale
    assert mc.get("cas-key") == b"v2"
    value, newer = mc.gets("cas-key")
    assert (value, newer != token) == (b"v2", True)


def test_gets_many_returns_a_distinct_token_per_key(mc):
    mc.set_many({"g1": b"one", "g2": b"two"})
    got = mc.gets_many(["g1", "g2", "g3"])
    assert set(got) == {"g1", "g2"}
    assert got["g1"][0] == b"one" and got["g2"][0] == b"two"
    assert got["g1"][1] != got["g2"][1]
    assert mc.gets("g3") == (None, None)


def test_a_store_changes_the_cas_token(mc):
    mc.set("token", b"a")
    _, first = mc.gets("token")
    mc.set("token", b"a")
    _, second = mc.gets("token")
    assert first != second


def test_delete_reports_whether_the_key_existed(mc):
    mc.set("doomed", b"x")
    assert mc.delete("doomed") is True
    assert mc.delete("doomed") is False
    assert mc.get("doomed") is None


def test_delete_many_removes_every_key(mc):
    mc.set_many({f"del-{i}": b"x" for i in range(10)})
    assert mc.delete_many([f"del-{i}" for i in range(10)] + ["del-absent"]) is True
    assert mc.get_many([f"del-{i}" for i in range(10)]) == {}


# -- arithmetic ---------------------------------------------------------------------------

def test_incr_and_decr_return_the_new_value(mc):
    assert mc.incr("counter", 1) is None  # NOT_FOUND
    mc.set("counter", b"10")
    assert mc.incr("counter", 5) == 15
    assert mc.decr("counter", 3) == 12
    assert mc.get("counter") == b"12"


def test_decr_stops_at_zero_and_incr_wraps_at_2_to_the_64(mc):
    mc.set("floor", b"3")
    assert mc.decr("floor", 10) == 0
    mc.set("ceiling", str(2**64 - 1).encode())
    assert mc.incr("ceiling", 2) == 1


def test_incr_of_a_non_numeric_value_is_a_client_error(mc):
    mc.set("word", b"ten")
    with pytest.raises(MemcacheClientError, match="non-numeric"):
        mc.incr("word", 1)
    assert mc.get("word") == b"ten"


# -- expiry and flush ---------------------------------------------------------------------

def test_touch_reports_whether_the_key_exists(mc):
    assert mc.touch("untouchable", 100) is False
    mc.set("touchable", b"x")
    assert mc.touch("touchable", 100) is True


def test_an_item_expires_after_its_exptime(mc, clock):
    mc.set("short-lived", b"x", expire=10)
    clock.advance(9)
    assert mc.get("short-lived") == b"x"
    clock.advance(2)
    assert mc.get("short-lived") is None


def test_touch_extends_the_life_of_an_item(mc, clock):
    mc.set("extended", b"x", expire=10)
    assert mc.touch("extended", 100) is True
    clock.advance(50)
    assert mc.get("extended") == b"x"
    clock.advance(51)
    assert mc.get("extended") is None


def test_flush_all_empties_the_cache(mc, servers):
    mc.set_many({f"flush-{i}": b"x" for i in range(20)})
    mc.flush_all()
    assert mc.get_many([f"flush-{i}" for i in range(20)]) == {}
    assert mc.add("flush-0", b"after") is True  # the cache still takes new items


def test_flush_all_with_a_delay_empties_the_cache_later(single, server_clock):
    single.set("delayed", b"x")
    assert single.flush_all(delay=30) is True
    assert single.get("delayed") == b"x"
    server_clock.advance(31)
    assert single.get("delayed") is None


# -- server information -------------------------------------------------------------------

def test_stats_count_hits_misses_and_items(single):
    # A key never used before: a flushed item still counts in curr_items until it is
    # reclaimed, and a store over it replaces it.
    key = f"seen-{uuid.uuid4().hex}"
    before = single.stats()
    single.set(key, b"x")
    single.get(key)
    single.get("unseen")
    after = single.stats()
    assert after[b"curr_items"] == before[b"curr_items"] + 1
    assert after[b"total_items"] == before[b"total_items"] + 1
    assert after[b"get_hits"] == before[b"get_hits"] + 1
    assert after[b"get_misses"] == before[b"get_misses"] + 1
    assert after[b"cmd_set"] == before[b"cmd_set"] + 1
    assert after[b"pid"] > 0 and after[b"uptime"] >= 0
    assert after[b"version"] == single.version()


def test_stats_settings_report_the_limits(single):
    settings = single.stats("settings")
    assert settings[b"item_size_max"] == 1024 * 1024
    assert settings[b"maxbytes"] > 0
    # pymemcache expects 1/0 here; memcached prints yes/no, which pymemcache leaves as bytes.
    assert settings[b"cas_enabled"] == b"yes"


def test_version_is_a_dotted_number(single):
    parts = single.version().split(b".")
    assert len(parts) >= 3 and all(p.isdigit() for p in parts[:3])


# -- noreply ------------------------------------------------------------------------------
# pymemcache's default is noreply for stores: it sends the command and reads nothing. An
# answer the server should not have sent stays in the socket and becomes the "reply" to
# the next command, so after each noreply command the next ones must still read true.

NOREPLY_COMMANDS = {
    "set": lambda c: c.set("subject", b"new", noreply=True),
    "add on an existing key": lambda c: c.add("subject", b"new", noreply=True),
    "add on a missing key": lambda c: c.add("missing", b"new", noreply=True),
    "replace on a missing key": lambda c: c.replace("missing", b"new", noreply=True),
    "append on a missing key": lambda c: c.append("missing", b"new", noreply=True),
    "prepend on a missing key": lambda c: c.prepend("missing", b"new", noreply=True),
    "append": lambda c: c.append("subject", b"+", noreply=True),
    "cas with a stale token": lambda c: c.cas("subject", b"new", cas=int(c.gets("subject")[1]) + 1,
                                              noreply=True),
    "cas on a missing key": lambda c: c.cas("missing", b"new", cas=1, noreply=True),
    "delete on a missing key": lambda c: c.delete("missing", noreply=True),
    "delete": lambda c: c.delete("subject", noreply=True),
    "touch on a missing key": lambda c: c.touch("missing", 10, noreply=True),
    "incr on a missing key": lambda c: c.incr("missing", 1, noreply=True),
    "incr of a non-numeric value": lambda c: c.incr("subject", 1, noreply=True),
    "decr": lambda c: c.decr("number", 1, noreply=True),
    "set over the size limit": lambda c: c.set("subject", b"x" * (1024 * 1024), noreply=True),
    "flush_all": lambda c: c.flush_all(noreply=True),
}


@pytest.mark.parametrize("command", list(NOREPLY_COMMANDS))
def test_noreply_commands_leave_the_connection_in_step(make_client, command):
    quiet = make_client()  # pymemcache's default: noreply on stores
    assert quiet.set("subject", b"old") is True
    quiet.set("number", b"5")
    NOREPLY_COMMANDS[command](quiet)
    quiet.set("sentinel", b"in step")
    loud = make_client(default_noreply=False)
    for client in (quiet, loud):
        assert client.get("sentinel") == b"in step"
        assert client.get_many(["sentinel", "never-stored"]) == {"sentinel": b"in step"}
        assert client.add("sentinel", b"again", noreply=False) is False
        assert client.incr("never-stored", 1) is None


def test_noreply_stores_take_effect(make_client):
    quiet = make_client()
    quiet.set("s", b"middle")
    quiet.append("s", b">")
    quiet.prepend("s", b"<")
    quiet.add("a", b"added")
    quiet.replace("a", b"replaced")
    quiet.incr("n", 1, noreply=True)
    quiet.set("n", b"41")
    quiet.incr("n", 2, noreply=True)
    quiet.decr("n", 1, noreply=True)
    quiet.delete("a")
    assert quiet.get_many(["s", "a", "n"]) == {"s": b"<middle>", "n": b"42"}


def test_noreply_set_over_the_limit_drops_the_old_value(make_client):
    quiet = make_client()
    quiet.set("big", b"old")
    quiet.set("big", b"x" * (1024 * 1024))
    assert quiet.get("big") is None


# -- sizes ----------------------------------------------------------------------------------

def test_an_empty_value_round_trips(mc):
    assert mc.set("empty", b"") is True
    assert mc.get("empty") == b""
    assert mc.get_many(["empty"]) == {"empty": b""}


@pytest.mark.parametrize("key_length", [1, MAX_KEY_LENGTH])
@pytest.mark.parametrize("flags", [0, 1])
def test_the_largest_item_is_stored_whole(mc, key_length, flags):
    key = "k" * key_length
    value = bytes(range(256)) * (largest_value_length(key_length, flags) // 256)
    value += b"\x00" * (largest_value_length(key_length, flags) - len(value))
    assert mc.set(key, value, flags=flags) is True
    assert mc.get(key) == value


@pytest.mark.parametrize("key_length", [1, MAX_KEY_LENGTH])
@pytest.mark.parametrize("flags", [0, 1])
def test_one_byte_over_the_item_limit_is_refused_and_drops_the_old_value(mc, key_length, flags):
    key = "k" * key_length
    mc.set(key, b"old")
    with pytest.raises(MemcacheServerError, match="object too large for cache"):
        mc.set(key, b"x" * (largest_value_length(key_length, flags) + 1), flags=flags)
    assert mc.get(key) is None
    assert mc.set(key, b"fits") is True  # the client reconnects and carries on


def test_a_250_byte_key_is_accepted(mc):
    key = "k" * MAX_KEY_LENGTH
    assert mc.set(key, b"long key") is True
    assert mc.get_many([key, "short"]) == {key: b"long key"}
    assert mc.delete(key) is True


def test_a_251_byte_key_is_refused_before_it_is_sent(mc):
    with pytest.raises(MemcacheIllegalInputError, match="too long"):
        mc.set("k" * (MAX_KEY_LENGTH + 1), b"x")
    assert mc.set("afterwards", b"ok") is True
    assert mc.get("afterwards") == b"ok"


def test_a_key_prefix_is_part_of_the_stored_key(make_client, servers):
    prefixed = make_client(key_prefix=b"app:", default_noreply=False)
    prefixed.set("user", b"alice")
    assert prefixed.get("user") == b"alice"
    assert server_of(servers, "app:user").raw_value("app:user") == (0, b"alice")


# -- serializers ------------------------------------------------------------------------

def test_pickle_serde_round_trips_python_values_with_their_flags(make_client, servers):
    mc = make_client(serde=serde.pickle_serde, default_noreply=False)
    values = {
        "bytes": (b"raw", serde.FLAG_BYTES),
        "text": ("grüße", serde.FLAG_TEXT),
        "int": (42, serde.FLAG_INTEGER),
        "dict": ({"a": [1, 2.5, None]}, serde.FLAG_PICKLE),
    }
    assert mc.set_many({k: v for k, (v, _) in values.items()}) == []
    assert mc.get_many(list(values)) == {k: v for k, (v, _) in values.items()}
    for key, (_, flags) in values.items():
        assert server_of(servers, key).raw_value(key)[0] == flags


class JsonSerde:
    """What an application might plug in: JSON documents under a flag of their own."""

    FLAG_JSON = 1 << 8

    def serialize(self, key, value):
        if isinstance(value, bytes):
            return value, 0
        return json.dumps(value, separators=(",", ":")).encode(), self.FLAG_JSON

    def deserialize(self, key, value, flags):
        if flags == self.FLAG_JSON:
            return json.loads(value)
        assert flags == 0, f"unknown flags {flags}"
        return value


def test_a_custom_json_serde_round_trips_documents(make_client, servers):
    mc = make_client(serde=JsonSerde(), default_noreply=False)
    document = {"name": "memstripe", "tags": ["cache", "fast"], "size": 3}
    mc.set("doc", document)
    mc.set("blob", b"\x00\xff")
    assert mc.get("doc") == document
    assert mc.get("blob") == b"\x00\xff"
    assert server_of(servers, "doc").raw_value("doc") == (
        JsonSerde.FLAG_JSON, b'{"name":"memstripe","tags":["cache","fast"],"size":3}')


# -- concurrency and distribution ---------------------------------------------------------

def test_a_pooled_client_serves_many_threads_at_once(endpoint):
    pool = PooledClient(endpoint.address, max_pool_size=8, default_noreply=False, **TIMEOUTS)
    pool.set("shared-counter", b"0")
    errors = []

    def work():
        try:
            for _ in range(100):
                pool.incr("shared-counter", 1)
        except Exception as e:  # reported below: a thread cannot fail the test itself
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pool.close()
    assert errors == []
    assert endpoint.raw_value("shared-counter") == (0, b"800")


def test_hash_client_spreads_keys_over_both_servers_and_reads_them_all_back(clusters, transport):
    endpoints = clusters(2).endpoints(transport)
    for e in endpoints:
        e.flush()
    hashed = HashClient([e.address for e in endpoints], default_noreply=False, **TIMEOUTS)
    values = {f"spread-{i}": str(i).encode() for i in range(200)}
    assert hashed.set_many(values) == []
    holders = [server_of(("HashClient", endpoints), key) for key in values]
    assert all(holders.count(e) > 0 for e in endpoints)
    assert hashed.get_many(list(values)) == values
    hashed.close()


def test_a_value_stored_over_one_transport_is_read_over_the_other(transport_pair):
    tcp, unix = transport_pair
    writer = Client(tcp.address, default_noreply=False, **TIMEOUTS)
    reader = Client(unix.address, default_noreply=False, **TIMEOUTS)
    writer.set("crossing", b"over tcp")
    assert reader.get("crossing") == b"over tcp"
    reader.set("crossing", b"over the socket")
    assert writer.get("crossing") == b"over the socket"
    writer.close()
    reader.close()


def test_clients_on_both_transports_at_once_share_one_store(transport_pair):
    tcp, unix = transport_pair
    assert tcp.command("set both-ways 0 0 1\r\n0") == b"STORED\r\n"
    errors = []

    def work(endpoint):
        client = Client(endpoint.address, default_noreply=False, **TIMEOUTS)
        try:
            for _ in range(200):
                client.incr("both-ways", 1)
        except Exception as e:  # reported below: a thread cannot fail the test itself
            errors.append(e)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(e,)) for e in (tcp, unix) * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert unix.raw_value("both-ways") == (0, b"1200")
