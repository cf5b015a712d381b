"""The comparison as Markdown: medians with their spread, and the ratios that matter
(memstripe/memcached, UNIX/TCP), from the raw runs that bench/compare collected."""

import statistics

TRANSPORTS = ("tcp", "unix")
PERCENTILES = ("p50", "p90", "p99", "p99.9")


def cell_runs(results, server, transport, workload):
    return [r for r in results["runs"]
            if r["server"] == server and r["transport"] == transport and r["workload"] == workload]


def median_of(runs, get):
    values = [get(r) for r in runs]
    return statistics.median(values) if values else float("nan")


def spread(runs, get):
    """(median, min, max) of a measure over a cell's runs."""
    values = [get(r) for r in runs]
    if not values:
        return float("nan"), float("nan"), float("nan")
    return statistics.median(values), min(values), max(values)


def ops(r):
    return r["ops_per_s"]


def latency(name):
    return lambda r: r["latency"][f"{name}_us"]


def cpu_per_request(r):
    return r["server_cpu_us_per_request"]


def fmt_rate(v):
    return f"{v / 1000:.1f}k" if v < 1e6 else f"{v / 1e6:.2f}M"


def fmt_us(v):
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


def paired_ratio(runs_a, runs_b, get):
    """The median of run-by-run ratios. The servers alternate, so the i-th runs of two cells
    ran back to back: pairing them cancels the machine's drift, which moves single runs
    by far more than the differences measured."""
    pairs = [get(a) / get(b) for a, b in zip(runs_a, runs_b) if get(b)]
    return f"{statistics.median(pairs):.2f}" if pairs else "–"


def throughput_table(results):
    a, b = results["servers"]
    lines = [f"| workload | transport | {a} ops/s | {b} ops/s | {a}/{b} | paired | {a} p99 µs | {b} p99 µs |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for w in results["workloads"]:
        for t in TRANSPORTS:
            ra, rb = cell_runs(results, a, t, w), cell_runs(results, b, t, w)
            ma, lo_a, hi_a = spread(ra, ops)
            mb, lo_b, hi_b = spread(rb, ops)
            lines.append(f"| {w} | {t.upper()} | {fmt_rate(ma)} ({fmt_rate(lo_a)}–{fmt_rate(hi_a)}) | "
                         f"{fmt_rate(mb)} ({fmt_rate(lo_b)}–{fmt_rate(hi_b)}) | {ratio(ma, mb)} | "
                         f"{paired_ratio(ra, rb, ops)} | "
                         f"{fmt_us(median_of(ra, latency('p99')))} | {fmt_us(median_of(rb, latency('p99')))} |")
    return "\n".join(lines)


def latency_table(results):
    lines = ["| workload | transport | server | " + " | ".join(f"{p} µs" for p in PERCENTILES) + " | max µs |",
             "|---|---|---|" + "---:|" * (len(PERCENTILES) + 1)]
    for w in results["workloads"]:
        for t in TRANSPORTS:
            for s in results["servers"]:
                runs = cell_runs(results, s, t, w)
                cells = [fmt_us(median_of(runs, latency(p))) for p in PERCENTILES]
                cells.append(fmt_us(median_of(runs, latency("max"))))
                lines.append(f"| {w} | {t.upper()} | {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cpu_table(results):
    a, b = results["servers"]
    lines = [f"| workload | transport | {a} µs/request | {b} µs/request | {a}/{b} | paired | load generator µs/request |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for w in results["workloads"]:
        for t in TRANSPORTS:
            ra, rb = cell_runs(results, a, t, w), cell_runs(results, b, t, w)
            ca, cb = median_of(ra, cpu_per_request), median_of(rb, cpu_per_request)
            lg = median_of(ra + rb, lambda r: r["loadgen_cpu_us_per_request"])
            lines.append(f"| {w} | {t.upper()} | {ca:.2f} | {cb:.2f} | {ratio(ca, cb)} | "
                         f"{paired_ratio(ra, rb, cpu_per_request)} | {lg:.2f} |")
    return "\n".join(lines)


def transport_table(results):
    lines = ["| workload | server | ops/s UNIX/TCP | p50 UNIX/TCP | p99 UNIX/TCP | CPU/request UNIX/TCP |",
             "|---|---|---:|---:|---:|---:|"]
    for w in results["workloads"]:
        for s in results["servers"]:
            u, t = cell_runs(results, s, "unix", w), cell_runs(results, s, "tcp", w)
            cells = [ratio(median_of(u, get), median_of(t, get))
                     for get in (ops, latency("p50"), latency("p99"), cpu_per_request)]
            lines.append(f"| {w} | {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def binary_table(results):
    """Each binary cell against its text twin, per server: what the binary protocol costs the
    server per request, and gains or loses in throughput, in the same run. "paired" pairs the
    cells' runs of the same round (both cells ran in it, a few seconds apart)."""
    pairs = results.get("binary_pairs") or []
    if not pairs:
        return ""
    lines = ["| workload | transport | server | ops/s binary/text | paired | CPU/request text µs | "
             "CPU/request binary µs | binary/text | paired |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for binary, text in pairs:
        for t in TRANSPORTS:
            for s in results["servers"]:
                rb, rt = cell_runs(results, s, t, binary), cell_runs(results, s, t, text)
                cb, ct = median_of(rb, cpu_per_request), median_of(rt, cpu_per_request)
                lines.append(f"| {text} | {t.upper()} | {s} | {ratio(median_of(rb, ops), median_of(rt, ops))} | "
                             f"{paired_ratio(rb, rt, ops)} | {ct:.2f} | {cb:.2f} | {ratio(cb, ct)} | "
                             f"{paired_ratio(rb, rt, cpu_per_request)} |")
    return "\n".join(lines)


def memory_table(results):
    memory = results.get("memory") or {}
    if not memory:
        return ""
    first = next(iter(memory.values()))
    lines = [f"Items held at `-m {results['settings']['memory_mb']}` with {first['key_size']} B keys and "
             f"{first['value_size']} B values, filled until the first eviction:", "",
             "| server | items held | RSS MiB | RSS bytes per item |", "|---|---:|---:|---:|"]
    for name, m in memory.items():
        lines.append(f"| {name} | {m['curr_items']:,} | {m['rss_bytes'] / 2**20:.1f} | "
                     f"{m['rss_bytes'] / max(m['curr_items'], 1):.0f} |")
    names = list(memory)
    if len(names) == 2:
        a, b = (memory[n] for n in names)
        lines += ["", f"{names[0]}/{names[1]}: {a['curr_items'] / max(b['curr_items'], 1):.2f}× the items, "
                      f"{a['rss_bytes'] / max(b['rss_bytes'], 1):.2f}× the RSS."]
    return "\n".join(lines)


def errors_line(results):
    runs = results["runs"]
    errors = sum(r["errors"] for r in runs)
    worst_hits = min((r["hit_ratio"] for r in runs), default=0)
    return (f"{len(runs)} runs, {errors} errors in all (every reply parsed and checked); "
            f"lowest hit ratio of any run {100 * worst_hits:.2f}%.")


def _protocol_note(results):
    """What the cells named ", binary" and "memtier ..." are, when the run had them."""
    note = ""
    if any(w.endswith(", binary") for w in results["workloads"]):
        note += (" Cells named \", binary\" speak the binary protocol (memstripe-bench --protocol binary: "
                 "SET, GETK, and for a multi-get GETKQ per key and a NOOP); the others the text protocol.")
    if results.get("memtier"):
        note += (f" Cells named \"memtier ...\" are {results['memtier']} (`--protocol=memcache_binary`, "
                 "one thread, 100k keys of 32 B of its own, pre-filled by it, 32 B values, 1 set : 10 gets, "
                 "uniform keys, pipelining without batches, no warmup, whole seconds); its replies are "
                 "not checked as memstripe-bench's are, and its errors count connection errors only.")
    return note


def _load_note(results):
    """The 1-minute load average around the run: other work on the machine moves the numbers."""
    m = results["machine"]
    if "load_before" not in m:
        return ""
    note = f"Load average {m['load_before']:.1f} before, {m['load_after']:.1f} after"
    if max(m["load_before"], m["load_after"]) > m["cores"]:
        note += " (**the machine was busy with other work: single runs are noisy; trust ratios over absolutes**)"
    return note + "."


def markdown(results, django_table=None):
    s = results["settings"]
    a, b = results["servers"]
    out = [
        f"# Transport lab: {a} vs {b}, TCP vs UNIX socket — {results['date']}",
        "",
        f"Machine: {results['machine']['cores']} cores, {results['machine']['kernel']}; "
        f"server on CPU {results['machine']['server_cpus']}, load generator on CPU "
        f"{results['machine']['client_cpus']}. Commit {results['commit']}. {_load_note(results)}",
        f"Servers: `-t {s['threads']} -m {s['memory_mb']}`; {', '.join(results['versions'])}.",
        f"Load: memstripe-bench, 100k keys of 32 B with 32 B values, pre-filled, 1 set : 10 gets, uniform keys; "
        f"{s['runs']} runs per cell of {s['duration']} s after {s['warmup']} s warmup, the servers alternating run "
        f"by run. Medians, with min–max in brackets; \"paired\" is the median of the ratios of runs made "
        f"back to back, which the machine's drift moves less.{_protocol_note(results)}",
        "",
        "## Throughput",
        "",
        throughput_table(results),
        "",
        "## Latency (median over runs of each run's percentile)",
        "",
        latency_table(results),
        "",
        "## Server CPU per request",
        "",
        "utime + stime from /proc/PID/stat over the run, divided by every reply (warmup included).",
        "",
        cpu_table(results),
        "",
        "## UNIX socket against TCP",
        "",
        transport_table(results),
        "",
    ]
    binary = binary_table(results)
    if binary:
        out += ["## The binary protocol against the text protocol", "",
                "Each binary cell against the same load in text, in the same run (medians; \"paired\": "
                "the median of the ratios of the two cells' runs in the same round).", "",
                binary, ""]
    mem = memory_table(results)
    if mem:
        out += ["## Memory", "", mem, ""]
    if django_table:
        out += ["## Django's cache backends", "",
                "Django 3.2 `cache.get()` through each backend; keys of 1–3 characters, values a list of 30 "
                "short strings, about 80% hits. Times per operation as the client sees them.", "",
                django_table, ""]
    out += ["## Checks", "", errors_line(results), ""]
    if results.get("plots"):
        out += ["## Plots", ""] + [f"![{p}]({p})" for p in results["plots"]] + [""]
    return "\n".join(out)
