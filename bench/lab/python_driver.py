#!/usr/bin/python3
"""The Python clients' driver for the client lab (bench/compare-clients), in the driver
protocol of tests/clients/driver.py: one JSON request a line, one JSON answer a line. Its
one operation, "bench" VALUE STORED SEQUENCE, stores VALUE under every key of STORED, then
gets each key of SEQUENCE one call at a time, each timed alone with time.perf_counter_ns
(monotonic); it answers {"times_ns": [...], "hits": how many gets found a value}.

Each client as its users run it: one persistent client, values pickled (pymemcache through
its pickle serde, as Django's PyMemcacheCache does; pylibmc and python-memcached pickle
on their own).

Usage: /usr/bin/python3 python_driver.py CLIENT SERVER
  CLIENT: pymemcache, pylibmc-text, pylibmc-binary or python-memcached
  SERVER: host:port or a UNIX socket's path"""

import json
import sys
import time


def connect(client, server):
    socket = server.startswith("/")
    if client == "pymemcache":
        from pymemcache.client.base import Client
        from pymemcache.serde import pickle_serde
        host, _, port = server.rpartition(":")
        return Client(server if socket else (host, int(port)), serde=pickle_serde, no_delay=True)
    if client in ("pylibmc-text", "pylibmc-binary"):
        import pylibmc
        return pylibmc.Client([server], binary=client == "pylibmc-binary", behaviors={"tcp_nodelay": True})
    if client == "python-memcached":
        import memcache
        return memcache.Client(["unix:" + server if socket else server])
    raise SystemExit(f"python_driver: unknown client {client!r}")


def bench(cache, value, stored, sequence):
    for key in stored:
        if not cache.set(key, value):
            raise RuntimeError(f"bench: storing {key!r} failed")
    clock = time.perf_counter_ns
    get = cache.get
    times = []
    hits = 0
    for key in sequence:
        start = clock()
        found = get(key)
        times.append(clock() - start)
        hits += found is not None
    return {"times_ns": times, "hits": hits}


def main(client, server):
    cache = connect(client, server)
    for line in sys.stdin:
        operation, *args = json.loads(line)
        try:
            if operation != "bench":
                raise ValueError(f"unknown operation {operation!r}")
            answer = {"result": bench(cache, *args)}
        except Exception as e:  # the driver protocol carries the error to the caller
            answer = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main(*sys.argv[1:3])
