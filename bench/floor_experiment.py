#!/usr/bin/python3
"""Server CPU per request at 50 connections against the floor: memstripe, memcached and
memstripe-floor (a do-nothing responder: no storage, fixed answers, one read and one send
per readable socket), one transport at a time, alternating, median of the runs. What the
floor spends is the kernel's; a server can only win what it spends above it.

    /usr/bin/python3 bench/floor_experiment.py [build-dir] [runs]
"""
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import load  # noqa: E402
from lab.report import cpu_per_request, ops  # noqa: E402
from lab.servers import Process, cpu_sets  # noqa: E402

FIFTY_CONNECTIONS = {"name": "50 conns", "args": ["-c", "50"]}


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    bench_bin = os.path.join(build, "memstripe-bench")
    memcached = shutil.which("memcached") or "/usr/bin/memcached"
    server_cpu, client_cpu = cpu_sets()
    print(f"| transport | server (50 connections, median of {runs}) | ops/s | server CPU µs/request | / memcached |")
    print("|---|---|---:|---:|---:|")
    for transport in ("tcp", "unix"):
        processes = {
            "memcached": Process("memcached", memcached, [transport], 1, 64, cpu=server_cpu),
            "memstripe": Process("memstripe", os.path.join(build, "memstripe"), [transport], 1, 64, cpu=server_cpu),
            "floor": Process("floor", os.path.join(build, "memstripe-floor"), [transport], 1, 64, cpu=server_cpu),
        }
        try:
            for name, p in processes.items():
                p.start()
                if name != "floor":  # it stores nothing
                    load.prefill(bench_bin, p, transport, client_cpu)
            results = load.alternate(bench_bin, processes, transport, FIFTY_CONNECTIONS, runs, client_cpu)
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
