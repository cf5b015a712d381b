"""memtier_benchmark (Redis Ltd.'s load generator, `--protocol=memcache_text` or
`memcache_binary`) on the lab's cells: a second tool's figures for the same servers,
transports and load, measured as load.run measures memstripe-bench's (server CPU from
/proc around the run, the generator's from its rusage) and returned in the same shape, so
the report's tables take them as they are.

It runs when the MEMTIER environment variable names the binary (one is built at
/work/tools/memtier/memtier_benchmark); Debian has no package of it."""

import json
import os
import subprocess
import tempfile

from . import load

PROTOCOLS = {"text": "memcache_text", "binary": "memcache_binary"}
# memtier's keys are a prefix and a decimal number: 26 bytes and 6 digits make the lab's
# 100k keys of 32 B (its own, pre-filled by memtier: memstripe-bench's keys are
# zero-padded, which memtier cannot write).
KEY_ARGS = ["--key-prefix=memtier-" + "x" * 18, "--key-minimum=100000", "--key-maximum=199999"]
VALUE_ARGS = ["--data-size=32"]
PERCENTILES = (("p50", "p50.00"), ("p90", "p90.00"), ("p99", "p99.00"), ("p99.9", "p99.90"))


def binary():
    """The memtier_benchmark to run, from $MEMTIER; None when it is not set."""
    path = os.environ.get("MEMTIER")
    if not path:
        return None
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"MEMTIER={path} is not an executable")
    return path


def _target(process, transport):
    if transport == "tcp":
        return ["--server=127.0.0.1", f"--port={process.port}"]
    return [f"--unix-socket={process.unix_path}"]


def _memtier(memtier, args, cpu):
    """Runs memtier_benchmark with `args`; returns its JSON's ALL STATS."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [memtier, "--threads=1", "--hide-histogram", f"--json-out-file={out.name}",
               "--print-percentiles=" + ",".join(key[1:] for _, key in PERCENTILES), *args]
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu)] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"memtier_benchmark {' '.join(args)} failed ({proc.returncode}): "
                               f"{proc.stderr[-2000:]}{proc.stdout[-2000:]}")
        with open(out.name) as f:
            return json.load(f)["ALL STATS"]


def prefill(memtier, process, transport, protocol, cpu=None):
    """Sets every one of memtier's keys once, in order (memtier's P pattern)."""
    stats = _memtier(memtier, [f"--protocol={PROTOCOLS[protocol]}", *_target(process, transport), *KEY_ARGS,
                               *VALUE_ARGS, "--ratio=1:0", "--key-pattern=P:P", "--requests=allkeys",
                               "--clients=50"], cpu)
    if stats["Totals"]["Connection Errors"]:
        raise RuntimeError(f"memtier's pre-fill of {process.kind} over {transport} had connection errors")


def run(memtier, process, transport, workload, duration, cpu=None):
    """One run of a memtier cell of the lab: `workload` has "memtier" (its arguments) and
    "protocol". memtier has no warmup: the run is all measured."""
    cpu_before = process.cpu_seconds()
    loadgen_before = load.children_cpu_seconds()
    seconds = max(1, round(duration))  # memtier takes whole seconds
    stats = _memtier(memtier, [f"--protocol={PROTOCOLS[workload['protocol']]}", *_target(process, transport),
                               *KEY_ARGS, *VALUE_ARGS, "--ratio=1:10", "--key-pattern=R:R",
                               f"--test-time={seconds}", *workload["memtier"]], cpu)
    loadgen_cpu = load.children_cpu_seconds() - loadgen_before
    server_cpu = process.cpu_seconds() - cpu_before
    totals, gets = stats["Totals"], stats["Gets"]
    replies = max(totals["Count"], 1)
    elapsed = stats["Runtime"]["Total duration"] / 1000
    ms = 1000.0  # memtier's latencies are in milliseconds
    latency = {f"{name}_us": ms * totals["Percentile Latencies"][key] for name, key in PERCENTILES}
    latency.update(min_us=ms * totals["Min Latency"], max_us=ms * totals["Max Latency"],
                   mean_us=ms * totals["Average Latency"])
    latency["spectrum"] = [[0, latency["min_us"]], [50, latency["p50_us"]], [90, latency["p90_us"]],
                           [99, latency["p99_us"]], [99.9, latency["p99.9_us"]], [100, latency["max_us"]]]
    looked_up = gets["Hits/sec"] + gets["Misses/sec"]
    return {
        "tool": "memtier_benchmark",
        "ops_per_s": totals["Ops/sec"],
        "elapsed_s": elapsed,
        "requests": totals["Count"],
        "all_replies": totals["Count"],
        "latency": latency,
        "hit_ratio": gets["Hits/sec"] / looked_up if looked_up else 1.0,
        "errors": totals["Connection Errors"],
        "server_cpu_s": server_cpu,
        "server_cpu_us_per_request": 1e6 * server_cpu / replies,
        "loadgen_cpu_s": loadgen_cpu,
        "loadgen_cpu_us_per_request": 1e6 * loadgen_cpu / replies,
    }
