#!/usr/bin/python3
"""The Django client benchmark: Django 3.2's cache framework through each memcached backend
(PyMemcacheCache: pymemcache, PyLibMCCache: pylibmc, MemcachedCache: python-memcached)
against each server over TCP and the UNIX socket, the classic "python-memcached vs pylibmc,
TCP vs UNIX socket" comparison.

Keys are 1 to 3 characters, values a list of 30 short strings; 4 keys in 5 are stored, so
gets hit about 80% of the time. Each operation is one cache.get(), timed alone; rounds go
over every configuration in turn so that drift hits all alike.

    django_bench.py --server NAME=tcp:HOST:PORT --server NAME=unix:/path [...] [--json FILE]

Prints a Markdown table: average and median microseconds per operation, and each
configuration's average compared to the fastest. Run it with Debian's /usr/bin/python3,
which has the three client libraries."""

import argparse
import json
import random
import statistics
import string
import sys
import time
import warnings

BACKENDS = [
    ("pymemcache", "django.core.cache.backends.memcached.PyMemcacheCache"),
    ("pylibmc", "django.core.cache.backends.memcached.PyLibMCCache"),
    ("python-memcached", "django.core.cache.backends.memcached.MemcachedCache"),
]
KEY_COUNT = 2000
HIT_FRACTION = 0.8
VALUE = [f"item-{i:02d}" for i in range(30)]


def make_keys(rng):
    """KEY_COUNT distinct keys of 1 to 3 characters."""
    alphabet = string.ascii_letters + string.digits
    keys = set()
    while len(keys) < KEY_COUNT:
        keys.add("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))))
    return sorted(keys)


def configure(servers):
    """Django settings, in code: one cache alias per backend, server and transport."""
    import django
    from django.conf import settings

    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    configs = []
    for server_name, transport, location in servers:
        django_location = location[len("tcp:"):] if location.startswith("tcp:") else location
        for client, backend in BACKENDS:
            alias = f"{client}-{server_name}-{transport}"
            caches[alias] = {"BACKEND": backend, "LOCATION": django_location, "TIMEOUT": None}
            configs.append({"alias": alias, "client": client, "server": server_name, "transport": transport})
    settings.configure(CACHES=caches, USE_TZ=True)
    django.setup()
    return configs


def run(servers, operations, rounds, seed=1):
    warnings.simplefilter("ignore")  # MemcachedCache's deprecation warning
    configs = configure(servers)
    from django.core.cache import caches

    rng = random.Random(seed)
    keys = make_keys(rng)
    stored = set(rng.sample(keys, int(KEY_COUNT * HIT_FRACTION)))
    # Each server and transport is filled once, through one client (memcached serves each
    # transport from its own process); every client reads the same pickles.
    filled = set()
    for config in configs:
        cache = caches[config["alias"]]
        if (config["server"], config["transport"]) not in filled:
            cache.clear()
            for k in stored:
                cache.set(k, VALUE)
            filled.add((config["server"], config["transport"]))
        for k in keys[:200]:  # warm the connection and the code paths
            cache.get(k)

    timings = {c["alias"]: [] for c in configs}
    hits = {c["alias"]: 0 for c in configs}
    per_round = max(1, operations // rounds)
    sequence = [rng.choice(keys) for _ in range(per_round)]
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for config in configs:
            cache = caches[config["alias"]]
            samples = timings[config["alias"]]
            hit = 0
            for k in sequence:
                start = clock()
                value = cache.get(k)
                samples.append(clock() - start)
                hit += value is not None
            hits[config["alias"]] += hit
    for config in configs:
        samples = timings[config["alias"]]
        config["operations"] = len(samples)
        config["avg_us"] = statistics.fmean(samples) / 1000
        config["median_us"] = statistics.median(samples) / 1000
        config["p99_us"] = sorted(samples)[int(0.99 * (len(samples) - 1))] / 1000
        config["hit_ratio"] = hits[config["alias"]] / len(samples)
    fastest = min(c["avg_us"] for c in configs)
    for config in configs:
        config["vs_fastest"] = config["avg_us"] / fastest
    return configs


def markdown(configs):
    lines = [
        "| client | server | transport | avg µs/op | median µs/op | p99 µs/op | hits | compared to fastest |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for c in sorted(configs, key=lambda c: c["avg_us"]):
        lines.append(f"| {c['client']} | {c['server']} | {c['transport'].upper()} | {c['avg_us']:.1f} | "
                     f"{c['median_us']:.1f} | {c['p99_us']:.1f} | {100 * c['hit_ratio']:.0f}% | "
                     f"{c['vs_fastest']:.2f}× |")
    return "\n".join(lines) + "\n"


def parse_server(text):
    name, sep, location = text.partition("=")
    if not sep or not (location.startswith("tcp:") or location.startswith("unix:")):
        raise argparse.ArgumentTypeError("expected NAME=tcp:HOST:PORT or NAME=unix:/path")
    return name, location.split(":", 1)[0], location


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", type=parse_server, action="append", required=True,
                        help="NAME=tcp:HOST:PORT or NAME=unix:/path; give several")
    parser.add_argument("--operations", type=int, default=20000, help="gets per configuration")
    parser.add_argument("--rounds", type=int, default=5, help="passes over the configurations")
    parser.add_argument("--json", help="also write the results as JSON")
    args = parser.parse_args(argv)
    configs = run(args.server, args.operations, args.rounds)
    sys.stdout.write(markdown(configs))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(configs, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
