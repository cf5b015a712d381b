#!/usr/bin/python3
"""Why a server's background timer changes its one-connection round trip on a VM: one
client, one request at a time, over TCP, against memcached and memstripe each with and
without its millisecond upkeep (memcached's LRU maintainer and crawler; memstripe's
-o no_lru_maintainer), alternating, median of the runs. Prints ops/s, p50 and the server's
CPU per request.

    /usr/bin/python3 bench/wakeup_experiment.py [build/memstripe-bench] [build/memstripe] [runs]
"""
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import load  # noqa: E402
from lab.report import cpu_per_request, latency, ops  # noqa: E402
from lab.servers import Process, cpu_sets  # noqa: E402

ONE_CONNECTION = {"name": "1 conn", "args": ["-c", "1"]}


def main():
    bench_bin = sys.argv[1] if len(sys.argv) > 1 else "build/memstripe-bench"
    memstripe = sys.argv[2] if len(sys.argv) > 2 else "build/memstripe"
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    memcached = shutil.which("memcached") or "/usr/bin/memcached"
    server_cpu, client_cpu = cpu_sets()
    variants = [
        ("memcached", "memcached", memcached, []),
        ("memcached -o no_lru_maintainer,no_lru_crawler", "memcached", memcached,
         ["-o", "no_lru_maintainer,no_lru_crawler"]),
        ("memstripe", "memstripe", memstripe, []),
        ("memstripe -o no_lru_maintainer", "memstripe", memstripe, ["-o", "no_lru_maintainer"]),
    ]
    processes = {}
    try:
        for name, kind, binary, extra in variants:
            processes[name] = Process(kind, binary, ["tcp"], 1, 64, cpu=server_cpu, extra_args=extra).start()
            load.prefill(bench_bin, processes[name], "tcp", client_cpu)
        results = load.alternate(bench_bin, processes, "tcp", ONE_CONNECTION, runs, client_cpu)
    finally:
        for p in processes.values():
            p.stop()
    print(f"| server (TCP, 1 connection, median of {runs}) | ops/s | p50 µs | server CPU µs/request |")
    print("|---|---:|---:|---:|")
    for name, runs_of in results.items():
        rate = statistics.median(map(ops, runs_of))
        p50 = statistics.median(map(latency("p50"), runs_of))
        cpu = statistics.median(map(cpu_per_request, runs_of))
        print(f"| `{name}` | {rate / 1000:.1f}k | {p50:.1f} | {cpu:.1f} |")


if __name__ == "__main__":
    main()
