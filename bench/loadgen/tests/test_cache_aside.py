"""memstripe-bench's cache-aside mode and trace replay end to end, against the real
memstripe (MEMSTRIPE_BIN) over TCP and the UNIX socket: hit ratios where a workload puts
them (a cache that holds every key hits all but the first get of each; a tiny one with
many keys clearly misses), no errors, and a replay that sends what its trace holds."""

import csv
import os
import subprocess

import pytest

from bench_run import BENCH, MEMSTRIPE, SOURCE_DIR, empty, run_bench, server_stats as stats_of, target_of
from harness import ServerProcess

TRACES = os.path.join(SOURCE_DIR, "bench", "traces")

pytestmark = pytest.mark.skipif(not MEMSTRIPE or not os.path.exists(MEMSTRIPE), reason="no memstripe in this build")

# Lognormal values of Twitter's median: about 380 B on average.
VALUES = ["--value-sizes", "lognormal", "--value-median", 230, "--value-sigma", 1]


def start(memory_mb, transport, *extra):
    s = ServerProcess("memstripe", args=["-t", "1", "-m", str(memory_mb), *extra], tcp=True,
                      unix=transport == "unix", debug_clock=False)
    s.start()
    s.bench_target = target_of(s, transport)
    s.transport = transport
    return s


@pytest.fixture(scope="module", params=["tcp", "unix"])
def transport(request):
    return request.param


@pytest.fixture(scope="module")
def roomy(transport):
    """A cache far larger than every workload below."""
    s = start(64, transport)
    yield s
    s.stop()


@pytest.fixture
def big(roomy):
    empty(roomy, roomy.transport)
    return roomy


def bench(target, *args, expect_code=0):
    return run_bench(target.bench_target, *args, expect_code=expect_code, timeout=120)


def server_stats(target):
    return stats_of(target, target.transport)


def cache_aside(target, *args):
    return bench(target, "--workload", "cache-aside", "-c", 4, "-P", 4, *VALUES, *args)


def test_a_cache_that_holds_every_key_hits_after_the_warm_up(big):
    # 2000 keys of about 380 B: under 1 MB. 20 gets per key warm it: a key not asked by
    # then (e^-20 each) is all that can miss.
    r = cache_aside(big, "--keys", 2000, "--distribution", "uniform", "--warmup-requests", 40000, "-n", 20000)
    assert r["errors"] == 0
    assert r["requests"] == 20000 and r["warmup_gets"] == 40000
    assert r["hit_ratio"] >= 0.999
    # Every miss, warm-up included, was set, and the server stored every set.
    stats = server_stats(big)
    assert int(stats["cmd_set"]) == r["sets"]
    # Once per key, and a few more: a key asked again while its first get's set is on the way.
    assert 2000 <= r["sets"] <= 2100
    assert int(stats["get_hits"]) + int(stats["get_misses"]) == r["all_gets"] == 60000
    assert len(r["intervals"]) == 20 and all(i["gets"] == 1000 for i in r["intervals"])


def test_every_hit_is_the_keys_own_value_of_its_size(big):
    # A first run stores the values; the second, with another seed, would see sizes and
    # bytes of other keys if the generator mixed them up: it checks every hit.
    cache_aside(big, "--keys", 500, "-n", 5000)
    r = cache_aside(big, "--keys", 500, "-n", 5000)
    assert r["errors"] == 0 and r["error_kinds"]["corrupt_value"] == 0 and r["error_kinds"]["wrong_value"] == 0
    assert r["hit_ratio"] > 0.99
    # Another seed gives the keys other sizes and other bytes: its hits are errors.
    other = bench(big, "--workload", "cache-aside", *VALUES, "--keys", 500, "-n", 2000, "--seed", 2, expect_code=3)
    assert other["hits"] > 1900
    assert other["error_kinds"]["wrong_value"] > 1900 and other["error_kinds"]["corrupt_value"] > 1800


def test_a_tiny_cache_with_many_keys_misses_clearly(transport):
    s = start(4, transport)
    try:
        # 50k keys of about 380 B: 19 MB asked of 4 MiB.
        r = cache_aside(s, "--keys", 50000, "--distribution", "uniform", "--warmup-requests", 30000, "-n", 30000)
        assert r["errors"] == 0
        assert 0.02 < r["hit_ratio"] < 0.4
        assert r["byte_miss_ratio"] > 0.6
        assert int(server_stats(s)["evictions"]) > 0
    finally:
        s.stop()


@pytest.mark.parametrize("eviction", ["clock", "s3fifo"])
def test_every_set_is_stored_under_pressure_with_large_values(transport, eviction):
    # Sigma 2 puts about 2% of the values above 16 KiB, in mappings of their own, beside
    # small ones in chunks: room for each is taken from the others, never refused.
    s = start(8, transport, "-o", f"eviction={eviction}")
    try:
        r = cache_aside(s, "--keys", 20000, "--distribution", "zipf", "--zipf-skew", 0.9, "--value-sigma", 2,
                        "--warmup-requests", 40000, "-n", 40000)
        assert r["errors"] == 0, r["error_kinds"]
        assert 0.2 < r["hit_ratio"] < 0.9
        assert int(server_stats(s)["evictions"]) > 0
    finally:
        s.stop()


def test_one_hit_wonders_always_miss(big):
    r = cache_aside(big, "--keys", 1000, "--distribution", "uniform", "--one-hit-wonders", 0.3,
                    "--warmup-requests", 20000, "-n", 20000)
    assert r["errors"] == 0
    wonders, popular = r["classes"]["one_hit_wonder"], r["classes"]["popular"]
    assert wonders["hits"] == 0 and 5400 < wonders["gets"] < 6600
    assert popular["hit_ratio"] >= 0.999
    assert popular["gets"] + wonders["gets"] == 20000
    assert r["hit_ratio"] == pytest.approx(popular["hits"] / 20000)


def test_a_scan_is_asked_once_and_the_hot_keys_are_seen_around_it(big):
    # 300 ordinary gets warm, then the scan's 2000 keys alternate with ordinary ones.
    r = cache_aside(big, "--keys", 300, "--distribution", "uniform", "--scan-every", 3000, "--scan-length", 2000,
                    "--warmup-requests", 1000, "-n", 8000)
    assert r["errors"] == 0
    scan, phases = r["classes"]["scan"], r["popular_by_scan_phase"]
    assert scan["gets"] == 2000 and scan["hits"] == 0
    assert phases["before"]["gets"] == 2000 and phases["during"]["gets"] == 1999
    assert phases["after"]["gets"] == 8000 - 2000 - 2000 - 1999
    # A cache this large keeps every hot key through the scan.
    for phase in phases.values():
        assert phase["hit_ratio"] >= 0.99


def trace_objects():
    with open(os.path.join(TRACES, "small.csv")) as f:
        rows = [row for row in csv.reader(f)][1:]
    return len(rows), len({row[1] for row in rows})


@pytest.mark.parametrize("path,trace_format", [("small.csv", "csv"), ("small.oracleGeneral", "oracle-general")])
def test_a_replay_sends_its_trace_and_misses_each_object_once(big, path, trace_format):
    records, objects = trace_objects()
    # One connection, one request in flight: the trace's order exactly.
    r = bench(big, "--trace", os.path.join(TRACES, path), "--trace-format", trace_format, "-c", 1)
    assert r["errors"] == 0
    assert r["trace"]["records"] == records and r["trace"]["skipped"] == 0
    assert r["requests"] == r["all_gets"] == records
    assert r["misses"] == objects == r["sets"]
    stats = server_stats(big)
    assert int(stats["get_hits"]) + int(stats["get_misses"]) == records


def test_a_pipelined_replay_over_many_connections_sends_every_record(big):
    records, _ = trace_objects()
    r = bench(big, "--trace", os.path.join(TRACES, "small.oracleGeneral"), "--trace-format", "oracle-general",
              "-c", 8, "-P", 8, "--warmup-requests", 1000)
    assert r["errors"] == 0
    assert r["all_gets"] == records and r["requests"] == records - 1000 and r["warmup_gets"] == 1000
    assert r["hit_ratio"] > 0.8


def test_a_trace_that_does_not_read_is_an_error(big, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,1,10\n2,2,ten\n")
    proc = subprocess.run([BENCH, *big.bench_target, "--trace", str(bad), "-q"], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 1 and "line 2" in proc.stderr
