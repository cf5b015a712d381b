#!/usr/bin/python3
"""Items held in the same memory: memstripe and Debian's memcached 1.6.18, both `-t 1 -m
N`, under uniform cache-aside churn over four times the memory's worth of keys (values
lognormal with Twitter's 230 B median, as make compare-hits'), so that what each holds at
the end is a random sample of the sizes and the count says how densely it packs them.
Each server a fresh process per run, alternating; prints items held, RSS and the ratio.

    /usr/bin/python3 bench/density.py [--memory 64] [--runs 2] [--build build]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import hits  # noqa: E402
from lab.servers import Process, cpu_sets  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--memory", type=int, default=64, help="-m of both servers (64)")
    p.add_argument("--runs", type=int, default=2)
    p.add_argument("--build", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "build"))
    p.add_argument("--memcached", default="/usr/bin/memcached")
    a = p.parse_args()
    server_cpu, client_cpu = cpu_sets()
    bench = os.path.join(a.build, "memstripe-bench")
    held = {"memstripe": [], "memcached": []}
    for rep in range(a.runs):
        for kind, binary in (("memstripe", os.path.join(a.build, "memstripe")), ("memcached", a.memcached)):
            server = Process(kind, binary, ("tcp",), 1, a.memory, cpu=server_cpu)
            server.start()
            try:
                # Two gets per key of warm-up: every class has been filled and churned.
                args = hits.bench_args({"name": "uniform"}, a.memory, warmup_scale=2, measure_scale=0.5, seed=rep + 1)
                s = hits.run(bench, server, "tcp", args, client_cpu)["server_stats"]
            finally:
                server.stop()
            held[kind].append(s["curr_items"])
            print(f"{rep} {kind:9} items {s['curr_items']:>8,}  evictions {s['evictions']:>9,}  "
                  f"RSS {s['rss_bytes'] / 2**20:.1f} MiB", flush=True)
    ratios = [x / y for x, y in zip(held["memstripe"], held["memcached"])]
    print(f"memstripe/memcached items held at -m {a.memory}: {statistics.median(ratios):.2f} "
          f"({min(ratios):.2f}-{max(ratios):.2f})")


if __name__ == "__main__":
    main()
