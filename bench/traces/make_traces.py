#!/usr/bin/python3
"""Writes the small traces the cache-aside replay's tests use (bench/traces/), one request
sequence in both formats memstripe-bench --trace reads:

    small.csv             time,key,size,ttl with a header line (ttl left empty)
    small.oracleGeneral   libCacheSim's oracleGeneral: 24-byte little-endian records
                          {uint32 clock_time; uint64 obj_id; uint32 obj_size;
                           int64 next_access_vtime} (-1: never asked again)

4000 requests over 600 objects, Zipf 0.9 popularity, lognormal sizes of median 230 B and
sigma 1 (a size per object, as in memstripe-bench's own workload), one request per
simulated second. Deterministic: the same files every time (random.Random(17)).

    bench/traces/make_traces.py [--requests N] [--objects N] [--out DIR]
"""

import argparse
import math
import os
import random
import struct

RECORD = struct.Struct("<IQIq")  # 24 bytes, packed, little-endian
assert RECORD.size == 24


def requests(n, objects, seed=17, skew=0.9, median=230.0, sigma=1.0):
    rng = random.Random(seed)
    weights = [1.0 / (k ** skew) for k in range(1, objects + 1)]
    # Object ids far apart, as real traces' hashed ids are: keys are 64-bit numbers.
    ids = [rng.getrandbits(63) for _ in range(objects)]
    sizes = [max(1, min(1000000, round(median * math.exp(sigma * rng.gauss(0.0, 1.0))))) for _ in range(objects)]
    picks = rng.choices(range(objects), weights=weights, k=n)
    return [(t, ids[i], sizes[i]) for t, i in enumerate(picks)]


def next_access(reqs):
    """For each request, the index of the next request of the same object, or -1."""
    nxt = [-1] * len(reqs)
    last = {}
    for i in range(len(reqs) - 1, -1, -1):
        obj = reqs[i][1]
        nxt[i] = last.get(obj, -1)
        last[obj] = i
    return nxt


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=4000)
    p.add_argument("--objects", type=int, default=600)
    p.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    a = p.parse_args()
    reqs = requests(a.requests, a.objects)
    with open(os.path.join(a.out, "small.csv"), "w") as f:
        f.write("time,key,size,ttl\n")
        for t, obj, size in reqs:
            f.write(f"{t},{obj},{size},\n")
    with open(os.path.join(a.out, "small.oracleGeneral"), "wb") as f:
        for (t, obj, size), nxt in zip(reqs, next_access(reqs)):
            f.write(RECORD.pack(t, obj, size, nxt))
    print(f"{len(reqs)} requests, {len({r[1] for r in reqs})} distinct objects")


if __name__ == "__main__":
    main()
