"""Debian's ruby-dalli 3.0.6, the client behind Rails' :mem_cache_store, unchanged: it speaks
only the binary protocol. Every test runs over TCP and over the UNIX socket (dalli takes a
socket as a plain path), most of them both without authentication and under -S, where dalli
logs in with SASL PLAIN (username and password options).

dalli's own ways, the same against memcached 1.6.18:
- a store answers the item's CAS, or a false value: REPLACE of a missing key is 0 (memcached
  says status 1, Not found) and ADD of a present one is false.
- dalli packs and unpacks the header's CAS as a native (little-endian) number, so the CAS it
  reports is the server's byte-swapped; it sends them back swapped too, so CAS works.
- without raw: true, dalli stores Marshal's bytes with flags 1.
"""

import json
import os

import pytest

from driver import DriverError
from endpoints import SASL_USER, largest_value_length

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ruby", "dalli_driver.rb")
RAW = {"raw": True}


@pytest.fixture
def make_dalli(drivers):
    def make(endpoint, shared=True, **options):
        if endpoint.credentials and "username" not in options:
            options.update(username=endpoint.credentials.username, password=endpoint.credentials.password)
        return drivers("ruby", DRIVER, endpoint.spec, json.dumps(options), shared=shared)
    return make


@pytest.fixture
def dalli(make_dalli, served):
    return make_dalli(served)


def test_set_then_get_returns_the_value(dalli, served):
    assert dalli.call("set", "greeting", "hello", 0, RAW)
    assert dalli.call("get", "greeting") == "hello"
    assert dalli.call("get", "absent") is None
    assert served.binary_value("greeting") == (0, b"hello")


def test_ruby_values_are_marshalled_with_flags_1(dalli, served):
    assert dalli.call("set", "marshalled", {"list": [1, "two"]})
    assert dalli.call("get", "marshalled") == {"list": [1, "two"]}
    flags, value = served.binary_value("marshalled")
    assert flags == 1 and value.startswith(b"\x04\x08")  # Marshal's version 4.8


def test_add_stores_only_a_missing_key_and_replace_only_an_existing_one(dalli):
    assert dalli.call("add", "k", "first", 0, RAW)
    assert dalli.call("add", "k", "second", 0, RAW) is False
    assert dalli.call("replace", "other", "x", 0, RAW) == 0
    assert dalli.call("replace", "k", "third", 0, RAW)
    assert dalli.call("get_multi", "k", "other") == {"k": "third"}


def test_append_and_prepend_extend_an_existing_value(dalli):
    assert dalli.call("append", "ends", "x") is False
    dalli.call("set", "ends", "-middle-", 0, RAW)
    assert dalli.call("append", "ends", "tail")
    assert dalli.call("prepend", "ends", "head")
    assert dalli.call("get", "ends") == "head-middle-tail"


def test_delete_reports_whether_the_key_existed_and_the_key_is_gone(dalli):
    dalli.call("set", "doomed", "x")
    assert dalli.call("delete", "doomed") is True
    assert dalli.call("delete", "doomed") is None
    assert dalli.call("get", "doomed") is None


def test_cas_token_from_get_cas_detects_a_concurrent_write(dalli, make_dalli, served):
    dalli.call("set", "cas-key", "v1", 0, RAW)
    value, token = dalli.call("get_cas", "cas-key")
    assert value == "v1" and token
    make_dalli(served, shared=False).call("set", "cas-key", "other writer", 0, RAW)
    assert dalli.call("set_cas", "cas-key", "v2", token, 0, RAW) is False
    assert dalli.call("get", "cas-key") == "other writer"
    value, token = dalli.call("get_cas", "cas-key")
    assert dalli.call("set_cas", "cas-key", "v3", token, 0, RAW)
    assert dalli.call("get", "cas-key") == "v3"
    assert dalli.call("get_cas", "absent") == [None, 0]


def test_cas_with_a_block_updates_only_an_existing_key(dalli):
    dalli.call("set", "counted", "old", 0, RAW)
    assert dalli.call("cas", "counted", 0, RAW, "new")["block_ran"] is True
    assert dalli.call("get", "counted") == "new"
    assert dalli.call("cas", "missing", 0, RAW, "new") == {"value": None, "block_ran": False}
    assert dalli.call("get", "missing") is None


def test_incr_and_decr_with_a_default_create_and_then_count(dalli):
    assert dalli.call("incr", "hits", 1, 0, 10) == 10  # created with the default
    assert dalli.call("incr", "hits", 5) == 15
    assert dalli.call("decr", "hits", 3) == 12
    assert dalli.call("decr", "hits", 100) == 0  # stops at zero
    assert dalli.call("incr", "hits", 2**40) == 2**40  # a 64-bit counter
    assert dalli.call("get", "hits", RAW) == str(2**40)
    assert dalli.call("incr", "never-set", 1) is None  # without a default: no create


def test_get_multi_reads_hundreds_of_keys_in_one_pipeline(dalli):
    keys = [f"multi-{i}-" + "k" * 200 for i in range(300)]
    for i, key in enumerate(keys):
        dalli.call("set", key, str(i), 0, RAW)
    found = dalli.call("get_multi", *keys, "absent-1", "absent-2")
    assert found == {key: str(i) for i, key in enumerate(keys)}


def test_multi_pipelines_quiet_commands_and_stays_in_step(dalli, served):
    # Inside multi dalli sends SETQ, ADDQ, REPLACEQ and DELETEQ without reading; the server
    # answers only the failures (the ADDQ of a present key, the REPLACEQ and DELETEQ of
    # missing ones), which dalli reads past before its next command.
    dalli.call("set", "present", "old", 0, RAW)
    requests = [["set", f"quiet-{i}", str(i), 0, RAW] for i in range(100)]
    requests += [["add", "present", "refused", 0, RAW], ["replace", "missing", "refused", 0, RAW],
                 ["delete", "missing"], ["delete", "quiet-0"]]
    dalli.call("multi", requests)
    found = dalli.call("get_multi", *[f"quiet-{i}" for i in range(100)], "present", "missing")
    assert found == {**{f"quiet-{i}": str(i) for i in range(1, 100)}, "present": "old"}
    assert served.binary_value("quiet-99") == (0, b"99")


def test_fetch_computes_a_missing_value_once(dalli):
    assert dalli.call("fetch", "lazy", 0, RAW, "computed") == {"value": "computed", "block_ran": True}
    assert dalli.call("fetch", "lazy", 0, RAW, "again") == {"value": "computed", "block_ran": False}


def test_flush_empties_the_cache(dalli):
    for i in range(5):
        dalli.call("set", f"f{i}", "x")
    assert dalli.call("flush") == [True]
    assert dalli.call("get_multi", *[f"f{i}" for i in range(5)]) == {}


def test_a_value_of_one_megabyte_round_trips(make_dalli, served):
    dalli = make_dalli(served, compress=False)  # dalli would gzip it otherwise
    value = ("0123456789abcdef" * 65536)[:largest_value_length(len("megabyte"))]
    assert dalli.call("set", "megabyte", value, 0, RAW)
    assert dalli.call("get", "megabyte") == value
    assert served.binary_value("megabyte") == (0, value.encode())
    # One byte more is refused by the server (status 3, Too large), and the old value is gone.
    with pytest.raises(DriverError, match="Response error 3: Value too large"):
        dalli.call("set", "megabyte", value + "!", 0, RAW)
    assert dalli.call("get", "megabyte") is None


def test_stats_and_version_come_from_the_server(dalli, served):
    dalli.call("set", "one", "1")
    [(name, stats)] = dalli.call("stats").items()
    assert int(stats["pid"]) == served.process.pid
    assert int(stats["curr_items"]) >= 1 and int(stats["cmd_set"]) >= 1
    assert list(dalli.call("version").values()) == ["1.6.18"]


# -- expiry, on the server's debug clock (it needs the text protocol: no -S) ---------------

def test_ttl_expires_on_the_server_clock(make_dalli, endpoint, server_clock):
    dalli = make_dalli(endpoint)
    dalli.call("set", "short", "x", 10, RAW)
    dalli.call("set", "long", "x", 100, RAW)
    server_clock.advance(9)
    assert dalli.call("get_multi", "short", "long") == {"short": "x", "long": "x"}
    server_clock.advance(2)
    assert dalli.call("get_multi", "short", "long") == {"long": "x"}


def test_touch_and_gat_give_a_new_ttl(make_dalli, endpoint, server_clock):
    dalli = make_dalli(endpoint)
    dalli.call("set", "touched", "t", 10, RAW)
    dalli.call("set", "gatted", "g", 10, RAW)
    assert dalli.call("touch", "touched", 100)
    assert dalli.call("gat", "gatted", 100) == "g"
    assert dalli.call("touch", "absent", 100) is None
    server_clock.advance(50)
    assert dalli.call("get_multi", "touched", "gatted") == {"touched": "t", "gatted": "g"}
    server_clock.advance(51)
    assert dalli.call("get_multi", "touched", "gatted") == {}


# -- one cache, and only the binary protocol -----------------------------------------------

def test_a_value_set_by_dalli_is_read_over_the_text_protocol_and_back(make_dalli, endpoint):
    dalli = make_dalli(endpoint)
    dalli.call("set", "crossing", "from dalli", 0, RAW)
    assert endpoint.raw_value("crossing") == (0, b"from dalli")
    assert endpoint.command("set typed 0 0 9\r\nfrom text") == b"STORED\r\n"
    assert dalli.call("get", "typed") == "from text"


def test_dalli_works_against_a_binary_only_server(make_dalli, binary_endpoint):
    dalli = make_dalli(binary_endpoint)
    assert dalli.call("set", "proof", "binary", 0, RAW)
    assert dalli.call("get", "proof") == "binary"


# -- SASL -----------------------------------------------------------------------------------

def test_a_wrong_password_is_refused(make_dalli, sasl_endpoint):
    dalli = make_dalli(sasl_endpoint, username=SASL_USER.username, password="wrong")
    with pytest.raises(DriverError, match=r"DalliError: Error authenticating: 0x20"):
        dalli.call("set", "k", "v", 0, RAW)
    assert sasl_endpoint.binary_value("k") is None


def test_an_unknown_user_is_refused(make_dalli, sasl_endpoint):
    dalli = make_dalli(sasl_endpoint, username="mallory", password=SASL_USER.password)
    with pytest.raises(DriverError, match=r"DalliError: Error authenticating: 0x20"):
        dalli.call("get", "k")


def test_without_credentials_a_command_gets_the_authentication_error(make_dalli, sasl_endpoint):
    dalli = make_dalli(sasl_endpoint, username=None)
    with pytest.raises(DriverError, match="Response error 32: Authentication required"):
        dalli.call("set", "k", "v", 0, RAW)
    assert sasl_endpoint.binary_value("k") is None
