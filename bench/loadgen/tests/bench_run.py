"""What memstripe-bench's end-to-end tests share: where the generator and the project's
test helpers are, which servers this build can start, and how a run is made and read."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
for path in ("tests", os.path.join("tests", "server"), "bench"):
    sys.path.insert(0, os.path.join(SOURCE_DIR, path))

BENCH = os.environ.get("MEMSTRIPE_BENCH_BIN") or os.path.join(SOURCE_DIR, "build", "memstripe-bench")
MEMSTRIPE = os.environ.get("MEMSTRIPE_BIN")

# memstripe-bench's exit codes that come with a report: a clean run, and one that counted errors.
EXIT_CLEAN = 0
EXIT_ERRORS = 3


def server_kinds():
    """Debian's memcached always; memstripe when this build has it."""
    return ["memcached"] + (["memstripe"] if MEMSTRIPE and os.path.exists(MEMSTRIPE) else [])


def target_of(server, transport):
    """memstripe-bench's options that reach `server` over `transport`."""
    return ["--tcp", f"127.0.0.1:{server.port}"] if transport == "tcp" else ["--unix", server.unix_path]


def run_bench(target, *args, expect_code=EXIT_CLEAN, timeout=60):
    """Runs memstripe-bench against `target` (its options), asserts its exit code, and returns
    its JSON report, or the finished process when that exit code has no report."""
    proc = subprocess.run([BENCH, *target, "--json", "-", "-q", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == expect_code, proc.stderr + proc.stdout
    return json.loads(proc.stdout) if expect_code in (EXIT_CLEAN, EXIT_ERRORS) else proc


def server_stats(server, transport):
    with server.connect(transport) as c:
        reply = c.request("stats\r\n", b"END\r\n").decode()
    return {f[1]: f[2] for f in (line.split() for line in reply.splitlines()) if f[0] == "STAT"}


def empty(server, transport):
    """Empties the cache and zeroes its counters, so a test sees only its own run."""
    with server.connect(transport) as c:
        assert c.request("flush_all\r\n") == b"OK\r\n"
        assert c.request("stats reset\r\n") == b"RESET\r\n"
