"""One measured run of memstripe-bench against one server process, with what it cost the
server (CPU seconds from /proc before and after) and the load generator (its rusage)."""

import json
import os
import subprocess
import tempfile

# The standard set: what `make compare` measures on each server and transport. Every
# workload is 100k keys of 32 B (values 32 B), pre-filled, 1 set : 10 gets, uniform keys.
WORKLOADS = [
    {"name": "1 conn", "args": ["-c", "1"]},
    {"name": "50 conns", "args": ["-c", "50"]},
    # A pipelining client sends its batch in one write and waits for all of it.
    {"name": "50 conns x pipeline 16", "args": ["-c", "50", "-P", "16", "--batch"]},
    {"name": "50 conns x multi-get 16", "args": ["-c", "50", "--multiget", "16"]},
]
# The binary protocol's cells (`bench/compare --binary`): the two the targets name,
# each with its text twin above (the same run's reference for CPU per request) and, when
# $MEMTIER names memtier_benchmark, the same load from memtier (lab/memtier.py) after it.
BINARY_WORKLOADS = [
    {"name": "50 conns, binary", "args": ["-c", "50", "--protocol", "binary"], "protocol": "binary",
     "text": "50 conns"},
    {"name": "50 conns x pipeline 16, binary", "args": ["-c", "50", "-P", "16", "--batch", "--protocol", "binary"],
     "protocol": "binary", "text": "50 conns x pipeline 16"},
]
MEMTIER_WORKLOADS = [
    {"name": "memtier 50 conns, binary", "memtier": ["--clients=50"], "protocol": "binary"},
    # memtier keeps 16 in flight per connection, sending the next as each reply comes (no
    # batches): memstripe-bench's -P 16 without --batch.
    {"name": "memtier 50 conns x pipeline 16, binary", "memtier": ["--clients=50", "--pipeline=16"],
     "protocol": "binary"},
]
# Stores only (the cost of -e, whose every store seals its item in the memory file):
# `--ratio 1:0` after the common 1:10.
SET_WORKLOADS = [
    {"name": "50 conns, sets", "args": ["-c", "50", "--ratio", "1:0"]},
    {"name": "50 conns x pipeline 16, sets", "args": ["-c", "50", "-P", "16", "--batch", "--ratio", "1:0"]},
]
ALL_WORKLOADS = WORKLOADS + BINARY_WORKLOADS + MEMTIER_WORKLOADS
COMMON_ARGS = ["--keys", "100000", "--key-size", "32", "--value-size", "32", "--ratio", "1:10"]


def _bench(bench_bin, args, cpu):
    """Runs memstripe-bench; returns its JSON and its CPU seconds."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [bench_bin, *args, "--json", out.name, "-q"]
        if cpu is not None:
            cmd = ["taskset", "-c", str(cpu)] + cmd
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout, stderr = proc.communicate()
        # communicate() reaped it; its rusage is in the children's totals, so take the
        # difference around the run.
        code = proc.returncode
        if code not in (0, 3):  # 3: it ran, and counted errors (the JSON says which)
            raise RuntimeError(f"memstripe-bench {' '.join(args)} failed ({code}): {stderr.decode()}{stdout.decode()}")
        with open(out.name) as f:
            return json.load(f)


def children_cpu_seconds():
    t = os.times()
    return t.children_user + t.children_system


def prefill(bench_bin, process, transport, cpu=None):
    """Sets every key once (the runs after it measure with --no-prefill)."""
    result = _bench(bench_bin, [*process.bench_target(transport), *COMMON_ARGS, "-c", "50", "-n", "1"], cpu)
    if result["prefill_errors"]:
        raise RuntimeError(f"pre-fill of {process.kind} over {transport} had errors")


def run(bench_bin, process, transport, workload, duration, warmup, cpu=None):
    cpu_before = process.cpu_seconds()
    loadgen_before = children_cpu_seconds()
    result = _bench(bench_bin, [*process.bench_target(transport), *COMMON_ARGS, *workload["args"],
                                "-d", str(duration), "-w", str(warmup), "--no-prefill"], cpu)
    loadgen_cpu = children_cpu_seconds() - loadgen_before
    server_cpu = process.cpu_seconds() - cpu_before
    # Both CPU times cover the whole run, warmup included: divide by every reply.
    replies = max(result["all_replies"], 1)
    result["server_cpu_s"] = server_cpu
    result["server_cpu_us_per_request"] = 1e6 * server_cpu / replies
    result["loadgen_cpu_s"] = loadgen_cpu
    result["loadgen_cpu_us_per_request"] = 1e6 * loadgen_cpu / replies
    return result


def alternate(bench_bin, processes, transport, workload, runs, cpu=None, duration=3.0, warmup=0.5):
    """Runs `workload` `runs` times on each of `processes` ({name: started Process}), one
    after the other in turn, so drift hits every one alike; returns {name: [result]}."""
    results = {name: [] for name in processes}
    for _ in range(runs):
        for name, process in processes.items():
            results[name].append(run(bench_bin, process, transport, workload, duration, warmup, cpu))
    return results

