#!/usr/bin/python3
"""`make soak`: memstripe-soak against memstripe (one process serving TCP and a UNIX socket)
and then, for comparison, against memcached at the same -m (one process per transport, as
memcached serves only one of them), each for the same time. Prints each run's report and
the resident memory of both; fails when memstripe returned a corrupt value, an unexpected
reply, dropped a connection, or held more than -m + 10% + 16 MiB.

Usage: run_soak.py [--build-dir build] [--seconds 180] [--memory 16] [--connections 64]
                   [--no-memcached] [--out DIR]"""

import argparse
import json
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE, "tests"))
from harness import ServerProcess  # noqa: E402

import subprocess  # noqa: E402


def memory_bound_kib(megabytes):
    """What memstripe's RSS may reach at -m megabytes: the limit, 10% more, and 16 MiB."""
    return int(megabytes * 1024 * 1.10) + 16 * 1024


def soak(binary, endpoints, watch, seconds, connections, json_path):
    args = [binary, "-d", str(seconds), "-c", str(connections), "--interval", "5", "--json", json_path]
    for kind, where in endpoints:
        args += ["--tcp" if kind == "tcp" else "--unix", where]
    for label, pid in watch:
        args += ["--watch", f"{label}={pid}"]
    print("$ " + " ".join(args), flush=True)
    result = subprocess.run(args)
    with open(json_path) as f:
        report = json.load(f)
    report["exit_status"] = result.returncode
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=os.path.join(SOURCE, "build"))
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--memory", type=int, default=16, help="-m, in megabytes")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--no-memcached", action="store_true")
    parser.add_argument("--out", default=None, help="keep the JSON reports here")
    opts = parser.parse_args()

    soak_bin = os.path.join(opts.build_dir, "memstripe-soak")
    memstripe_bin = os.path.join(opts.build_dir, "memstripe")
    out = opts.out or tempfile.mkdtemp(prefix="soak-")
    os.makedirs(out, exist_ok=True)
    m = str(opts.memory)

    print(f"== memstripe -m {m}: TCP and a UNIX socket in one process", flush=True)
    server = ServerProcess("memstripe", args=["-m", m], binary=memstripe_bin, debug_clock=False).start()
    try:
        ours = soak(soak_bin, [("tcp", f"127.0.0.1:{server.port}"), ("unix", server.unix_path)],
                    [("memstripe", server.pid)], opts.seconds, opts.connections, os.path.join(out, "memstripe.json"))
    finally:
        status = server.stop()
    ours_ok = ours["exit_status"] == 0 and status == 0

    theirs = None
    if not opts.no_memcached:
        print(f"\n== memcached -m {m}: one process per transport", flush=True)
        tcp = ServerProcess("memcached", args=["-m", m], tcp=True, unix=False).start()
        unix = ServerProcess("memcached", args=["-m", m], tcp=False, unix=True).start()
        try:
            theirs = soak(soak_bin, [("tcp", f"127.0.0.1:{tcp.port}"), ("unix", unix.unix_path)],
                          [("memcached-tcp", tcp.pid), ("memcached-unix", unix.pid)], opts.seconds,
                          opts.connections, os.path.join(out, "memcached.json"))
        finally:
            tcp.stop()
            unix.stop()

    bound = memory_bound_kib(opts.memory)
    rss = {r["label"]: r["max_kib"] for r in ours["rss"]}
    print(f"\n== resident memory at -m {m} ({opts.seconds:g} s, {opts.connections} connections; reports in {out})")
    print(f"  memstripe (TCP + UNIX socket):  max {rss['memstripe'] / 1024:.1f} MiB   "
          f"(bound -m + 10% + 16 MiB = {bound / 1024:.1f} MiB)  reads checked {ours['reads_checked']}, "
          f"corrupt {ours['corrupt']}, protocol errors {ours['protocol_errors']}, "
          f"connection errors {ours['connection_errors']}, refused stores {ours['refused']}, exit {status}")
    if theirs:
        each = {r["label"]: r["max_kib"] for r in theirs["rss"]}
        total = sum(each.values())
        print(f"  memcached (one per transport):  max {each['memcached-tcp'] / 1024:.1f} + "
              f"{each['memcached-unix'] / 1024:.1f} = {total / 1024:.1f} MiB   reads checked "
              f"{theirs['reads_checked']}, corrupt {theirs['corrupt']}, protocol errors "
              f"{theirs['protocol_errors']}, refused stores {theirs['refused']}")
    failed = []
    if not ours_ok:
        failed.append("memstripe's soak was not clean")
    if rss["memstripe"] > bound:
        failed.append(f"memstripe's RSS {rss['memstripe']} KiB passed the bound {bound} KiB")
    for f in failed:
        print("soak FAILED: " + f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
