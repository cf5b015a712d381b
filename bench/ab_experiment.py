#!/usr/bin/python3
"""A against B: two memstripe builds (or one build with two sets of options) at 50
connections over one transport, run back to back in turns, and the median of the pairs'
ratios of server CPU per request. This is how bench/README's "tried" entries were judged:
single runs on these machines vary by ±10%, and a pair made within seconds shares the drift.

    /usr/bin/python3 bench/ab_experiment.py BINARY_A BINARY_B [--transport unix|tcp]
        [--workload "50 conns"] [--runs 9] [--args-a "..."] [--args-b "..."] [--build build]

--workload names one of the lab's standard set, its binary cells or its store-only cells (bench/lab/load.py's
WORKLOADS, BINARY_WORKLOADS, SET_WORKLOADS).

For example, the millisecond upkeep's cost (bench/README, "Why the server wakes every
millisecond"): bench/ab_experiment.py build/memstripe build/memstripe --args-b "-o no_lru_maintainer"
"""
import argparse
import os
import shlex
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import load  # noqa: E402
from lab.report import cpu_per_request, ops  # noqa: E402
from lab.servers import Process, cpu_sets  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary_a")
    parser.add_argument("binary_b")
    parser.add_argument("--transport", choices=("unix", "tcp"), default="unix")
    parser.add_argument("--workload", choices=[w["name"] for w in load.WORKLOADS + load.BINARY_WORKLOADS + load.SET_WORKLOADS], default="50 conns")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--args-a", default="", help="extra server options for A")
    parser.add_argument("--args-b", default="", help="extra server options for B")
    parser.add_argument("--build", default="build", help="where memstripe-bench is")
    args = parser.parse_args()
    bench_bin = os.path.join(args.build, "memstripe-bench")
    server_cpu, client_cpu = cpu_sets()
    processes = {
        "A": Process("memstripe", args.binary_a, [args.transport], 1, 64, cpu=server_cpu,
                     extra_args=shlex.split(args.args_a)),
        "B": Process("memstripe", args.binary_b, [args.transport], 1, 64, cpu=server_cpu,
                     extra_args=shlex.split(args.args_b)),
    }
    workload = next(w for w in load.WORKLOADS + load.BINARY_WORKLOADS + load.SET_WORKLOADS if w["name"] == args.workload)
    try:
        for p in processes.values():
            p.start()
            load.prefill(bench_bin, p, args.transport, client_cpu)
        results = load.alternate(bench_bin, processes, args.transport, workload, args.runs, client_cpu)
    finally:
        for p in processes.values():
            p.stop()
    for name, runs in results.items():
        print(f"{name}: {statistics.median(map(ops, runs)) / 1000:.1f}k ops/s, "
              f"{statistics.median(map(cpu_per_request, runs)):.3f} µs of server CPU per request")
    pairs = [cpu_per_request(b) / cpu_per_request(a) for a, b in zip(results["A"], results["B"])]
    print(f"B/A CPU per request, median of {len(pairs)} pairs: {statistics.median(pairs):.3f} "
          f"({' '.join(f'{r:.3f}' for r in pairs)})")


if __name__ == "__main__":
    main()
