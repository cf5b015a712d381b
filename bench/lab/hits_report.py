"""The hit-ratio comparison as Markdown and PNG (bench/compare-hits): per workload and
memory, each server's hit and miss ratios with their spread over runs, each memstripe
policy's miss ratio as a multiple of memcached's (the last server, the reference), the byte miss ratios and the items each held; the
scan workload's hot-key hit ratios around the scan; a miss-ratio curve per workload."""

import matplotlib

matplotlib.use("Agg")  # no display here
import matplotlib.pyplot as plt  # noqa: E402

from . import hits  # noqa: E402
from .report import spread  # noqa: E402

COLOURS = ("tab:blue", "tab:green", "tab:red", "tab:orange")


def cell_runs(results, server, workload, memory):
    return [r for r in results["runs"]
            if r["server"] == server and r["workload"] == workload and r["memory_mb"] == memory]


def miss_ratio(r):
    return r["miss_ratio"]


def hit_ratio(r):
    return r["hit_ratio"]


def byte_miss_ratio(r):
    return r["byte_miss_ratio"]


def items(r):
    return r["server_stats"].get("curr_items", 0)


def fmt_spread(runs, get, digits=4):
    m, lo, hi = spread(runs, get)
    if len(runs) < 2:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ({lo:.{digits}f}–{hi:.{digits}f})"


def miss_multiple(runs_a, runs_b):
    """memstripe's median miss ratio over memcached's, and the paired runs' range."""
    ma, mb = spread(runs_a, miss_ratio)[0], spread(runs_b, miss_ratio)[0]
    if not mb:
        return "–"
    pairs = [a["miss_ratio"] / b["miss_ratio"] for a, b in zip(runs_a, runs_b) if b["miss_ratio"]]
    text = f"{ma / mb:.3f}"
    if len(pairs) > 1:
        text += f" ({min(pairs):.3f}–{max(pairs):.3f})"
    return text


def policies(results):
    return results.get("policies", {})


def contenders(results):
    """The servers measured against the reference, and the reference: memcached, run last."""
    return results["servers"][:-1], results["servers"][-1]


def hit_table(results):
    ours, ref = contenders(results)
    pol = policies(results)
    lines = [f"| workload | -m | server | hit ratio | {ref} hit ratio | miss ratio | {ref} miss ratio | "
             f"miss / {ref} miss | byte miss ratio / {ref}'s | items / {ref}'s |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for w in results["workloads"]:
        for m in results["memories"]:
            rb = cell_runs(results, ref, w, m)
            for a in ours:
                ra = cell_runs(results, a, w, m)
                if not ra or not rb:
                    continue
                lines.append(
                    f"| {w} | {m} | {a} | {fmt_spread(ra, hit_ratio)} | {fmt_spread(rb, hit_ratio)} | "
                    f"{fmt_spread(ra, miss_ratio)} | {fmt_spread(rb, miss_ratio)} | **{miss_multiple(ra, rb)}** | "
                    f"{spread(ra, byte_miss_ratio)[0]:.3f} / {spread(rb, byte_miss_ratio)[0]:.3f} | "
                    f"{spread(ra, items)[0] / 1000:.0f}k / {spread(rb, items)[0] / 1000:.0f}k |")
    note = ("Policies: " + "; ".join(f"{s} {pol.get(s, '?')}" for s in results["servers"]) +
            f". Median of {results['settings']['runs']} runs, (min–max) over them; the multiple's range is over "
            "runs paired as they ran, back to back.")
    return "\n".join(lines) + "\n\n" + note


def scan_table(results):
    if hits.SCAN not in results["workloads"]:
        return ""
    lines = ["| -m | server | hot keys' hit ratio before the scan | during | after |",
             "|---:|---|---:|---:|---:|"]
    for m in results["memories"]:
        for s in results["servers"]:
            runs = cell_runs(results, s, hits.SCAN, m)
            if not runs:
                continue
            cells = [fmt_spread(runs, lambda r, i=i: hits.hot_hit_ratios(r)[i]) for i in range(3)]
            lines.append(f"| {m} | {s} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def errors_line(results):
    bad = [r for r in results["runs"] if r["errors"]]
    if not bad:
        return "Errors: none in any run."
    parts = []
    for r in bad:
        kinds = ", ".join(f"{k} {v}" for k, v in r["error_kinds"].items() if v)
        parts.append(f"{r['server']} {r['workload']} -m {r['memory_mb']} run {r['rep'] + 1}: {kinds}")
    return "Errors: " + "; ".join(parts) + "."


def markdown(results):
    s = results["settings"]
    ours, ref = contenders(results)
    out = [f"# Hit ratio: {', '.join(ours)} against {ref} — {results['date']}", "",
           f"Commit {results['commit']}; {results['versions'][0]} against {results['versions'][-1]}, each "
           f"`-t 1 -m N` and otherwise as shipped, a fresh process per run over the {s['transport'].upper()} "
           f"transport, the servers alternated run by run. Cache-aside (`memstripe-bench --workload cache-aside`): every "
           "request a get, a miss followed by a set of the key's value. Popular keys' values total "
           f"{hits.WORKING_SET} × memory, lognormal with a {hits.VALUE_MEDIAN} B median and sigma {hits.VALUE_SIGMA} "
           f"(mean {hits.MEAN_VALUE:.0f} B), keys of {hits.KEY_SIZE} B; {s['warmup_scale']} gets per key of warm-up, "
           f"then {s['measure_scale']} per key measured. The scan workload: a uniform hot set of half the memory, "
           "warmed, then one scan of twice the memory alternating with the hot traffic, then the hot set again.",
           "", hit_table(results), ""]
    scan = scan_table(results)
    if scan:
        out += ["Scan resistance (the hot keys' hit ratio, median (min–max)):", "", scan, ""]
    out += [errors_line(results), "",
            "Miss-ratio curves: " + ", ".join(f"![{w}]({p})" for w, p in results["plots"].items()), "",
            f"Machine: {results['machine']['cores']} cores, kernel {results['machine']['kernel']}; "
            f"servers on CPUs {results['machine']['server_cpus']}, memstripe-bench on "
            f"{results['machine']['client_cpus']}; load {results['machine']['load_before']:.2f} before, "
            f"{results['machine'].get('load_after', float('nan')):.2f} after; "
            f"{results.get('elapsed_s', 0) / 60:.1f} minutes.", ""]
    return "\n".join(out)


def plot_name(workload):
    return "miss-ratio-" + "".join(c if c.isalnum() else "-" for c in workload).strip("-").replace("--", "-") + ".png"


def miss_ratio_plot(results, workload, path):
    """Miss ratio against memory for each server: the median, and the runs' range."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for colour, s in zip(COLOURS, results["servers"]):
        xs, meds, lows, highs = [], [], [], []
        for m in results["memories"]:
            runs = cell_runs(results, s, workload, m)
            if not runs:
                continue
            get = (lambda r: 1 - hits.hot_hit_ratios(r)[1]) if workload == hits.SCAN else miss_ratio
            med, lo, hi = spread(runs, get)
            xs.append(m)
            meds.append(med)
            lows.append(med - lo)
            highs.append(hi - med)
        ax.errorbar(xs, meds, yerr=[lows, highs], color=colour, marker="o", capsize=4, label=s)
    ax.set_xscale("log", base=2)
    ax.set_xticks(results["memories"])
    ax.set_xticklabels([f"{m} MiB" for m in results["memories"]])
    ax.set_xlabel("memory (-m)")
    ax.set_ylabel("hot keys' miss ratio during the scan" if workload == hits.SCAN else "miss ratio")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{workload} — {results['date']}")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


