"""The TLS lab (`make compare-tls`, bench/compare-tls): memstripe -Z against Debian's
memcached -Z with one certificate from tests/server/tls_certificates.py, the cells the
issue's targets name, resident memory per idle TLS connection, and the report.

The servers are lab.servers.Process with -Z; memstripe-bench reaches them with --tls (and
verifies their certificate against the CA); memtier_benchmark with its own --tls."""

import os
import resource
import socket
import ssl
import statistics
import sys
import time

from . import memtier, report
from .servers import Process

sys.path.append(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                             "tests", "server"))
from tls_certificates import Authority  # noqa: E402

# The cells. Handshakes: a new connection, and so a full TLS handshake, per request (no
# resumption: memstripe-bench keeps no session), from 4 connections so that the server's
# core, not one client's round trips, is the limit.
WORKLOADS = [
    {"name": "50 conns", "args": ["-c", "50"]},
    {"name": "50 conns x pipeline 16", "args": ["-c", "50", "-P", "16", "--batch"]},
    {"name": "handshakes, 4 conns", "args": ["-c", "4", "--connection-per-request"]},
]
# memtier's cells (--tls --cacert, its own keys) run on memstripe and memcached only: the
# kernel TLS variant is measured by memstripe-bench's.
MEMTIER_WORKLOADS = [
    {"name": "memtier 50 conns", "memtier": ["--clients=50"], "protocol": "text"},
    {"name": "memtier 50 conns x pipeline 16", "memtier": ["--clients=50", "--pipeline=16"], "protocol": "text"},
]
IDLE_CONNECTIONS = 500


class Pki:
    """A CA and the one server certificate every server under test presents."""

    def __init__(self, directory):
        self.ca = Authority(directory, name="compare-tls CA")
        self.cert, self.key = self.ca.issue("server")

    def server_args(self, *suboptions):
        return ["-Z", "-o", ",".join([f"ssl_chain_cert={self.cert}", f"ssl_key={self.key}", *suboptions])]


class TlsProcess(Process):
    """A server with -Z on TCP; memstripe-bench's and memtier's targets speak TLS to it."""

    def __init__(self, kind, binary, pki, threads, memory_mb, cpu=None, suboptions=()):
        super().__init__(kind, binary, ("tcp",), threads, memory_mb, cpu, extra_args=pki.server_args(*suboptions))
        self.pki = pki

    def bench_target(self, transport):
        assert transport == "tcp", "TLS is TCP only"
        return ["--tcp", f"127.0.0.1:{self.port}", "--tls", "--tls-ca", self.pki.ca.cert_path]

    def memtier_tls(self):
        return ["--tls", f"--cacert={self.pki.ca.cert_path}"]

    def stats(self):
        raise NotImplementedError("the lab's stats() speaks plaintext; read /proc instead")


def memtier_prefill(memtier_bin, process, cpu=None):
    """memtier's keys, set once over TLS (memtier.prefill, with --tls)."""
    memtier._memtier(memtier_bin, ["--protocol=memcache_text", *memtier._target(process, "tcp"),
                                   *process.memtier_tls(), *memtier.KEY_ARGS, *memtier.VALUE_ARGS,
                                   "--ratio=1:0", "--key-pattern=P:P", "--requests=allkeys", "--clients=50"], cpu)


def memtier_run(memtier_bin, process, workload, duration, cpu=None):
    cell = dict(workload, memtier=[*workload["memtier"], *process.memtier_tls()])
    return memtier.run(memtier_bin, process, "tcp", cell, duration, cpu)


def _open_tls(port, context, count):
    """`count` TLS connections that each finished the handshake and one `version`."""
    clients = []
    for _ in range(count):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        s = context.wrap_socket(raw, server_hostname="127.0.0.1")
        s.sendall(b"version\r\n")
        clients.append(s)
    for s in clients:
        if not s.recv(100).startswith(b"VERSION"):
            raise RuntimeError("an idle TLS connection got no VERSION")
    return clients


def idle_memory(process, count=IDLE_CONNECTIONS):
    """Resident bytes per idle TLS connection: RSS before and after `count` more of them,
    after 50 that grow the allocator's and the pools' first arenas (as
    bench/idle_connections.py does for plaintext)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 1000), hard))
    context = process.pki.ca.client_context()
    warm = _open_tls(process.port, context, 50)
    time.sleep(0.5)
    before = process.rss_bytes()
    clients = _open_tls(process.port, context, count)
    time.sleep(1.5)  # let both servers settle before reading RSS
    after = process.rss_bytes()
    for s in warm + clients:
        s.close()
    return {"connections": count, "rss_before": before, "rss_after": after,
            "bytes_per_connection": (after - before) / count}


# -- the report ----------------------------------------------------------------------

def _runs(results, server, workload):
    return report.cell_runs(results, server, "tcp", workload)


def _paired(results, a, b, workload, get):
    """(median, min, max) of run-by-run ratios a/b: the servers alternate, so the i-th runs
    of two servers ran back to back."""
    pairs = [get(x) / get(y) for x, y in zip(_runs(results, a, workload), _runs(results, b, workload)) if get(y)]
    if not pairs:
        return None
    return statistics.median(pairs), min(pairs), max(pairs)


def _fmt_ratio(r):
    return "–" if r is None else f"{r[0]:.2f} ({r[1]:.2f}–{r[2]:.2f})"


def cell_table(results):
    servers = results["servers"]
    lines = ["| cell | server | ops/s median (min–max) | p99 µs | server CPU µs/req | memstripe/memcached ops/s "
             "(min–max) | CPU/req ratio (min–max) |",
             "|---|---|---|---|---|---|---|"]
    for w in results["workloads"]:
        for s in servers:
            runs = _runs(results, s, w)
            if not runs:
                continue
            m, lo, hi = report.spread(runs, report.ops)
            p99 = report.median_of(runs, report.latency("p99"))
            cpu = report.median_of(runs, report.cpu_per_request)
            ratio_ops = ratio_cpu = ""
            if s != "memcached" and _runs(results, "memcached", w):
                ratio_ops = _fmt_ratio(_paired(results, s, "memcached", w, report.ops))
                ratio_cpu = _fmt_ratio(_paired(results, s, "memcached", w, report.cpu_per_request))
            lines.append(f"| {w} | {s} | {report.fmt_rate(m)} ({report.fmt_rate(lo)}–{report.fmt_rate(hi)}) | "
                         f"{report.fmt_us(p99)} | {cpu:.2f} | {ratio_ops} | {ratio_cpu} |")
    return "\n".join(lines)


# Where the idle connections are measured: on servers that have only been filled, and
# again after every cell, when the handshake cell's thousands of closed connections have
# left the allocators' free lists each in its own state.
MEMORY_PHASES = [("memory_fresh", "after the fill"), ("memory", "after the cells")]


def memory_table(results):
    lines = ["| measured | server | idle TLS connections | RSS before → after (MiB) | bytes per connection | "
             "ratio to memcached |", "|---|---|---|---|---|---|"]
    for key, phase in MEMORY_PHASES:
        mem = results.get(key) or {}
        base = mem.get("memcached", {}).get("bytes_per_connection")
        for s, m in mem.items():
            r = f"{m['bytes_per_connection'] / base:.2f}" if base and s != "memcached" else ""
            lines.append(f"| {phase} | {s} | {m['connections']} | {m['rss_before'] / 2**20:.1f} → "
                         f"{m['rss_after'] / 2**20:.1f} | {m['bytes_per_connection']:,.0f} | {r} |")
    return "\n".join(lines) if len(lines) > 2 else ""


def targets(results):
    """Each of the issue's performance targets, as measured: (target, figure, held)."""
    out = []

    def check(name, workload, get, test, fmt):
        r = _paired(results, "memstripe", "memcached", workload, get)
        if r is not None:
            out.append((name, fmt(r), "yes" if test(r[0]) else "**no**"))

    check("50 conns: ops/s ≥ memcached's", "50 conns", report.ops, lambda v: v >= 1.0, _fmt_ratio)
    check("50 conns: server CPU/request ≤ 0.9 × memcached's", "50 conns", report.cpu_per_request,
          lambda v: v <= 0.9, _fmt_ratio)
    check("50 × P16: ops/s ≥ 4 × memcached's", "50 conns x pipeline 16", report.ops, lambda v: v >= 4.0, _fmt_ratio)
    check("handshakes/s ≥ memcached's", "handshakes, 4 conns", report.ops, lambda v: v >= 1.0, _fmt_ratio)
    for key, phase in MEMORY_PHASES:
        mem = results.get(key) or {}
        if "memstripe" in mem and "memcached" in mem:
            r = mem["memstripe"]["bytes_per_connection"] / mem["memcached"]["bytes_per_connection"]
            out.append((f"memory per idle TLS connection ≤ memcached's, {phase}",
                        f"{r:.2f} ({mem['memstripe']['bytes_per_connection']:,.0f} B vs "
                        f"{mem['memcached']['bytes_per_connection']:,.0f} B)", "yes" if r <= 1.0 else "**no**"))
    lines = ["| target | memstripe/memcached, median of paired runs (min–max) | held |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in out]
    return "\n".join(lines)


def markdown(results):
    s, m = results["settings"], results["machine"]
    parts = [
        f"# TLS: memstripe -Z against memcached -Z — {results['date']}",
        "",
        f"Commit {results['commit']}; {', '.join(results['versions'])}"
        + (f"; {results['memtier']}" if results.get("memtier") else "") + ".",
        f"{m['cores']} cores, kernel {m['kernel']}; servers on CPU {m['server_cpus']} (`-t {s['threads']} "
        f"-m {s['memory_mb']}`), load on CPU {m['client_cpus']}; {s['runs']} runs per cell of {s['duration']} s "
        f"after {s['warmup']} s of warmup, the servers alternating run by run; load average "
        f"{m['load_before']:.2f} before, {m['load_after']:.2f} after (the machine had other work: "
        "single runs move, the paired ratios less).",
        "One certificate (ECDSA P-256, from tests/server/tls_certificates.py) for every server; memstripe-bench "
        "verifies it (`--tls --tls-ca`), TLS 1.3, 100k keys of 32 B, values 32 B, 1 set : 10 gets, "
        "pre-filled. The handshake cell opens a new connection (a full handshake, no resumption) for "
        "every request: its ops/s are handshakes/s. Server CPU per request is the server's utime+stime "
        "over the run divided by every reply.",
        "",
        "## Targets (issue 15)",
        "",
        targets(results),
        "",
        "## Cells",
        "",
        cell_table(results),
        "",
    ]
    mem = memory_table(results)
    if mem:
        parts += ["## Memory per idle TLS connection", "",
                  f"RSS delta over {IDLE_CONNECTIONS} more TLS connections (handshake done, one `version` "
                  "answered, then idle), after 50 that warm the allocator: once on servers that have only "
                  "been filled, once after every cell.", "", mem, ""]
    if "memstripe-ktls" in results["servers"]:
        parts += ["## ssl_kernel_tls", "",
                  f"`memstripe-ktls` is memstripe with `-o ssl_kernel_tls`. Kernel {m['kernel']} has "
                  f"{'a' if m.get('tls_ulp') else 'no'} `tls` ULP loaded: "
                  + ("OpenSSL falls back to user-space TLS, so the cells should not move; any "
                     "difference above is noise." if not m.get("tls_ulp") else "records are offloaded."), ""]
    parts += ["Plots: " + ", ".join(f"[{p}]({p})" for p in results.get("plots", [])), ""]
    return "\n".join(parts)
