"""The hit-ratio lab's workloads and runs (bench/compare-hits): memstripe-bench's
cache-aside mode against a fresh server per run, so every run starts from an empty cache
and ends with the server's own counts (items held, evictions) beside the client's.

Every workload is sized by the server's memory: the popular keys' values total about
WORKING_SET x memory (values lognormal, Twitter's 230 B median), the scan workload's hot
set half of it and its one scan twice of it. Requests are counted in multiples of the key
count (`scale`), so a larger memory gets as many passes over its keys as a small one."""

import json
import math
import subprocess
import tempfile

VALUE_MEDIAN = 230
VALUE_SIGMA = 1.0
MEAN_VALUE = VALUE_MEDIAN * math.exp(VALUE_SIGMA ** 2 / 2)  # a lognormal's mean: about 380 B
WORKING_SET = 4  # popular keys' bytes / memory
KEY_SIZE = 32
VALUE_ARGS = ["--value-sizes", "lognormal", "--value-median", str(VALUE_MEDIAN), "--value-sigma", str(VALUE_SIGMA),
              "--key-size", str(KEY_SIZE)]
# Several connections with a few requests in flight each: the server is kept busy, and a
# key is rarely asked twice before its miss's set lands (which would count two misses).
LOAD_ARGS = ["-c", "8", "-P", "4"]

MEMORIES = (16, 64, 256)
QUICK_MEMORIES = (16, 64)

WORKLOADS = [
    {"name": "zipf 0.9", "skew": 0.9},
    {"name": "zipf 0.99", "skew": 0.99},
    {"name": "zipf 0.9, 20% one-hit wonders", "skew": 0.9, "one_hit_wonders": 0.2},
    {"name": "zipf 0.99, 20% one-hit wonders", "skew": 0.99, "one_hit_wonders": 0.2},
    # A hot set that fits (uniform, half the memory), then one scan of twice the memory
    # alternating with the hot traffic, then the hot set again: the hot keys' hit ratio
    # before, during and after says what the scan cost.
    {"name": "scan", "scan": True},
]
SCAN = "scan"


def keys_for(memory_mb, share=WORKING_SET):
    return int(share * memory_mb * 2 ** 20 / MEAN_VALUE)


def bench_args(workload, memory_mb, warmup_scale, measure_scale, seed):
    """memstripe-bench's arguments for `workload` at `memory_mb` (its target apart)."""
    common = ["--workload", "cache-aside", *LOAD_ARGS, *VALUE_ARGS, "--seed", str(seed)]
    if workload.get("scan"):
        hot = keys_for(memory_mb, 0.5)
        scanned = keys_for(memory_mb, 2)
        warmup = int(max(3.0, 3 * warmup_scale) * hot)  # every hot key asked a few times
        before, after = hot, 2 * hot
        # The scan's keys alternate with hot ones: 2 x scanned - 1 requests.
        return [*common, "--keys", str(hot), "--distribution", "uniform", "--warmup-requests", str(warmup),
                "--scan-every", str(warmup + before), "--scan-length", str(scanned),
                "-n", str(before + 2 * scanned - 1 + after), "--interval-requests", str(max(1, hot // 4))]
    keys = keys_for(memory_mb)
    # Zipf with the workload's skew; without one, uniform (bench/density.py's churn).
    popularity = ["--distribution", "zipf", "--zipf-skew", str(workload["skew"])] if "skew" in workload \
        else ["--distribution", "uniform"]
    args = [*common, "--keys", str(keys), *popularity,
            "--warmup-requests", str(int(warmup_scale * keys)), "-n", str(int(measure_scale * keys))]
    if workload.get("one_hit_wonders"):
        args += ["--one-hit-wonders", str(workload["one_hit_wonders"])]
    return args


def hot_hit_ratios(result):
    """The scan workload's hot keys' hit ratio (before, during, after) the scan."""
    phases = result["popular_by_scan_phase"]
    return tuple(phases[p]["hit_ratio"] for p in ("before", "during", "after"))


def run(bench_bin, process, transport, args, client_cpu=None):
    """One memstripe-bench run against a started server; its JSON, with the server's
    counts after it under "server_stats"."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [bench_bin, *process.bench_target(transport), *args, "--json", out.name, "-q"]
        if client_cpu is not None:
            cmd = ["taskset", "-c", str(client_cpu)] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode not in (0, 3):  # 3: it ran, and counted errors (the JSON says which)
            raise RuntimeError(f"memstripe-bench {' '.join(args)} failed ({proc.returncode}): "
                               f"{proc.stderr}{proc.stdout}")
        with open(out.name) as f:
            result = json.load(f)
    stats = process.stats()
    result["server_stats"] = {k: int(stats[k]) for k in ("curr_items", "bytes", "evictions", "total_items",
                                                    "limit_maxbytes") if k in stats}
    result["server_stats"]["rss_bytes"] = process.rss_bytes()
    return result
