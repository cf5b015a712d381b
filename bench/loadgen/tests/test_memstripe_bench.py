"""memstripe-bench end to end: real servers (Debian's memcached, and memstripe when this
build has it) over TCP and the UNIX socket; the generator's counts are checked against
what the workload must produce and against the server's own stats."""

import os
import subprocess

import pytest

from bench_run import BENCH, SOURCE_DIR, empty, run_bench, server_kinds, server_stats as stats_of, target_of
from harness import ExitedEarly, ServerProcess
from lab.servers import FloorProcess


@pytest.fixture(scope="module", params=[(k, t) for k in server_kinds() for t in ("tcp", "unix")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def server(request):
    kind, transport = request.param
    tcp = transport == "tcp" or kind == "memstripe"
    unix = transport == "unix"
    with ServerProcess(kind, args=["-t", "1", "-m", "64"], tcp=tcp, unix=unix, debug_clock=False) as s:
        s.bench_target = target_of(s, transport)
        s.transport = transport
        yield s


@pytest.fixture
def target(server):
    """The module's server, emptied and with its counters at zero."""
    empty(server, server.transport)
    return server


def bench(target, *args, expect_code=0):
    return run_bench(target.bench_target, *args, expect_code=expect_code)


def server_stats(target):
    return stats_of(target, target.transport)


def test_a_prefilled_run_hits_every_key_without_errors(target):
    r = bench(target, "-c", 4, "-P", 4, "--keys", 2000, "-n", 11000)
    assert r["errors"] == 0
    assert r["requests"] == 11000
    assert r["hits"] == r["gets"] and r["misses"] == 0
    assert r["hit_ratio"] == 1.0
    # 1 set : 10 gets, in a fixed cycle per connection
    assert r["sets"] == 1000 and r["gets"] == 10000
    lat = r["latency"]
    assert r["latency"]["count"] == 11000
    assert 0 < lat["min_us"] <= lat["p50_us"] <= lat["p90_us"] <= lat["p99_us"] <= lat["p99.9_us"] <= lat["max_us"]


def test_the_server_saw_what_the_generator_counted(target):
    r = bench(target, "-c", 3, "--keys", 500, "-n", 3000, "--ratio", "1:2", "--multiget", 4)
    stats = server_stats(target)
    # prefill set every key once, then the measured sets and gets
    assert int(stats["cmd_set"]) == 500 + r["sets"]
    assert int(stats["get_hits"]) == r["hits"]
    assert r["keys"] == 4 * r["gets"]


def test_an_empty_server_misses_every_key(target):
    r = bench(target, "--no-prefill", "--ratio", "0:1", "-c", 2, "-n", 500)
    assert r["errors"] == 0
    assert r["hits"] == 0 and r["misses"] == 500
    assert int(server_stats(target)["get_misses"]) == 500


def test_values_of_another_size_are_errors(target):
    bench(target, "--keys", 100, "--value-size", 32, "-n", 10, "--ratio", "0:1")
    r = bench(target, "--keys", 100, "--value-size", 64, "--no-prefill", "--ratio", "0:1", "-n", 200,
              expect_code=3)
    assert r["error_kinds"]["wrong_value"] == 200
    assert r["hits"] == 200


def test_a_value_too_large_for_the_server_is_a_server_error(target):
    r = bench(target, "--keys", 10, "--value-size", 2 * 1024 * 1024, "--no-prefill", "--ratio", "1:0",
              "-n", 5, expect_code=3)
    assert r["error_kinds"]["server_error"] == 5


def test_several_threads_add_up(target):
    r = bench(target, "-c", 8, "-t", 2, "-P", 8, "--keys", 1000, "-n", 20000, "--distribution", "zipf")
    assert r["errors"] == 0 and r["requests"] == 20000 and r["hit_ratio"] == 1.0


def test_a_duration_run_measures_its_window(target):
    r = bench(target, "-c", 2, "--keys", 100, "-d", 0.3, "-w", 0.1)
    assert r["elapsed_s"] == pytest.approx(0.3)
    assert r["requests"] > 10 and r["errors"] == 0


def test_open_loop_sends_at_the_asked_rate(target):
    r = bench(target, "-c", 4, "--keys", 100, "--rate", 2000, "-d", 1)
    # The schedule holds 2000 requests in the second, however slow the machine: all are
    # sent and answered (the drain after the window included).
    assert 1996 <= r["all_replies"] <= 2004
    assert r["send_lag"]["count"] == r["all_replies"]
    assert 0 < r["requests"] <= r["all_replies"]


@pytest.mark.parametrize("multiget", [1, 8])
def test_a_binary_run_is_checked_and_counted_as_a_text_one(target, multiget):
    # Gets of one key are GETK, multi-gets GETKQ per key and a NOOP; pipelined in batches.
    r = bench(target, "--protocol", "binary", "-c", 4, "-P", 4, "--batch", "--keys", 2000, "-n", 11000,
              "--multiget", multiget)
    assert r["protocol"] == "binary"
    assert r["errors"] == 0 and r["requests"] == 11000
    assert r["sets"] == 1000 and r["gets"] == 10000
    assert r["hits"] == r["keys"] == multiget * r["gets"] and r["misses"] == 0
    stats = server_stats(target)
    assert int(stats["cmd_set"]) == 2000 + r["sets"]
    assert int(stats["get_hits"]) == r["hits"]


@pytest.mark.parametrize("multiget", [1, 4])
def test_binary_misses_are_misses_not_errors(target, multiget):
    r = bench(target, "--protocol", "binary", "--no-prefill", "--ratio", "0:1", "-c", 2, "-n", 500,
              "--multiget", multiget)
    assert r["errors"] == 0
    assert r["hits"] == 0 and r["misses"] == 500 * multiget
    assert int(server_stats(target)["get_misses"]) == 500 * multiget


def test_binary_values_of_another_size_are_errors(target):
    bench(target, "--protocol", "binary", "--keys", 100, "--value-size", 32, "-n", 10, "--ratio", "0:1")
    r = bench(target, "--protocol", "binary", "--keys", 100, "--value-size", 64, "--no-prefill",
              "--ratio", "0:1", "-n", 200, expect_code=3)
    assert r["error_kinds"]["wrong_value"] == 200 and r["hits"] == 200


def test_a_binary_value_too_large_is_a_server_error(target):
    # Status 0x03 (too large): what the text protocol says as SERVER_ERROR.
    r = bench(target, "--protocol", "binary", "--keys", 10, "--value-size", 2 * 1024 * 1024, "--no-prefill",
              "--ratio", "1:0", "-n", 5, expect_code=3)
    assert r["error_kinds"]["server_error"] == 5 and r["error_kinds"]["malformed"] == 0


def test_no_server_is_an_error(tmp_path):
    proc = subprocess.run([BENCH, "--unix", str(tmp_path / "nothing.sock"), "-n", "1"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "cannot connect" in proc.stderr


FLOORS = {
    "epoll": os.environ.get("MEMSTRIPE_FLOOR_BIN") or os.path.join(SOURCE_DIR, "build", "memstripe-floor"),
    # Built when liburing is (.ci/deps installs it); an explicit path must exist.
    "io_uring": os.environ.get("MEMSTRIPE_FLOOR_URING_BIN") or os.path.join(SOURCE_DIR, "build", "memstripe-floor-uring"),
}
IO_URING_UNAVAILABLE = 69  # memstripe-floor-uring's exit when the kernel refuses io_uring


@pytest.mark.parametrize("responder", FLOORS)
@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_the_floor_responder_answers_every_workload_of_the_lab(transport, responder):
    """memstripe-floor and memstripe-floor-uring (bench/floor_experiment.py's baselines)
    must answer what make compare's workloads send, or their CPU per request would
    measure errors."""
    binary = FLOORS[responder]
    if responder == "io_uring" and "MEMSTRIPE_FLOOR_URING_BIN" not in os.environ and not os.path.exists(binary):
        pytest.skip("memstripe-floor-uring not built (no liburing)")
    floor = FloorProcess(binary, transport)
    try:
        floor.start(timeout=10)
        floor_target = type("Floor", (), {"bench_target": floor.bench_target(transport)})
        for workload in (["-c", 8, "-n", 4000], ["-c", 4, "-P", 16, "--batch", "-n", 4000],
                         ["-c", 4, "--multiget", 16, "-n", 1000]):
            r = bench(floor_target, "--keys", 1000, "--key-size", 32, "--value-size", 32, *workload)
            assert r["errors"] == 0 and r["prefill_errors"] == 0
            assert r["hit_ratio"] == 1.0 and r["requests"] == workload[-1]
    except ExitedEarly:
        if floor.proc.returncode == IO_URING_UNAVAILABLE:
            pytest.skip("this kernel refuses io_uring")
        raise
    finally:
        floor.stop()
