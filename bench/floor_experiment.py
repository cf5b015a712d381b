#!/usr/bin/python3
"""Server CPU per request at 50 connections against the floor: memstripe, memcached,
memstripe-floor (a do-nothing responder: no storage, fixed answers, one read and one send
per readable socket on epoll) and memstripe-floor-uring (the same on io_uring, one
io_uring_enter per round, when built), one transport at a time, alternating, median of the
runs. What the floors spend is the kernel's; a server can only win what it spends above it.

    /usr/bin/python3 bench/floor_experiment.py [build-dir] [runs] [--rate TCP_RATE,UNIX_RATE]

Closed loop by default: memstripe-bench keeps one request in flight per connection, and
every server here runs its core flat out. With --rate it sends at a fixed rate instead
(open loop), the same for every server, so each has idle moments and wakes up for them.
"""
import argparse
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import load  # noqa: E402
from lab.report import cpu_per_request, ops  # noqa: E402
from lab.servers import FloorProcess, Process, cpu_sets  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build", nargs="?", default="build")
    parser.add_argument("runs", nargs="?", type=int, default=5)
    parser.add_argument("--rate", help="TCP_RATE,UNIX_RATE: open loop at these requests/s")
    args = parser.parse_args()
    rates = dict(zip(("tcp", "unix"), map(int, args.rate.split(",")))) if args.rate else {}
    bench_bin = os.path.join(args.build, "memstripe-bench")
    memcached = shutil.which("memcached") or "/usr/bin/memcached"
    binaries = {
        "memcached": ("memcached", memcached),
        "memstripe": ("memstripe", os.path.join(args.build, "memstripe")),
        "floor (epoll)": ("floor", os.path.join(args.build, "memstripe-floor")),
        "floor (io_uring)": ("floor", os.path.join(args.build, "memstripe-floor-uring")),
    }
    binaries = {name: kb for name, kb in binaries.items() if kb[0] != "floor" or os.path.exists(kb[1])}
    server_cpu, client_cpu = cpu_sets()
    loop = "closed loop" if not rates else "open loop"
    print(f"| transport | server (50 connections, {loop}, median of {args.runs}) | ops/s | server CPU µs/request | / memcached |")
    print("|---|---|---:|---:|---:|")
    for transport in ("tcp", "unix"):
        workload = {"name": "50 conns", "args": ["-c", "50"]}
        if transport in rates:
            workload["args"] += ["-r", str(rates[transport])]
        processes = {name: FloorProcess(binary, transport, cpu=server_cpu) if kind == "floor"
                     else Process(kind, binary, [transport], 1, 64, cpu=server_cpu)
                     for name, (kind, binary) in binaries.items()}
        try:
            for p in processes.values():
                p.start()
                if p.kind != "floor":  # it stores nothing
                    load.prefill(bench_bin, p, transport, client_cpu)
            results = load.alternate(bench_bin, processes, transport, workload, args.runs, client_cpu)
        finally:
            for p in processes.values():
                p.stop()
        base = statistics.median(map(cpu_per_request, results["memcached"]))
        for name, runs_of in results.items():
            cpu = statistics.median(map(cpu_per_request, runs_of))
            rate = statistics.median(map(ops, runs_of))
            print(f"| {transport.upper() if transport == 'tcp' else 'UNIX'} | {name} | {rate / 1000:.1f}k | {cpu:.2f} | {cpu / base:.2f} |")


if __name__ == "__main__":
    main()
