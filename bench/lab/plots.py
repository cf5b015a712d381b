"""PNG plots of a comparison with matplotlib (Debian's python3-matplotlib): latency
percentile spectra per server and transport, one panel per workload, and throughput."""

import math
import statistics

import matplotlib

matplotlib.use("Agg")  # no display here
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter  # noqa: E402

from . import report  # noqa: E402

STYLES = {  # (server index, transport) -> colour and line
    (0, "tcp"): ("tab:blue", "-"),
    (0, "unix"): ("tab:blue", "--"),
    (1, "tcp"): ("tab:orange", "-"),
    (1, "unix"): ("tab:orange", "--"),
}
# Percentiles on HdrHistogram's axis: 1/(1 - p), so the tail gets the room.
MAX_NINES = 1e5


def _median_spectrum(runs):
    """The median over runs of each point of the percentile spectrum: [(p, µs)]."""
    if not runs:
        return []
    columns = zip(*(r["latency"]["spectrum"] for r in runs))
    return [(col[0][0], statistics.median(v for _, v in col)) for col in columns]


def _x(p):
    return min(1.0 / (1.0 - p / 100.0), MAX_NINES) if p < 100 else MAX_NINES


def latency_plot(results, path):
    workloads = results["workloads"]
    cols = 2
    rows = math.ceil(len(workloads) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(12, 4.2 * rows), squeeze=False)
    ticks = [2, 10, 100, 1000, 10000, 100000]  # the leftmost point, at 1, is the minimum
    labels = ["50%", "90%", "99%", "99.9%", "99.99%", "max"]
    for ax, w in zip(axes.flat, workloads):
        for si, s in enumerate(results["servers"]):
            for t in report.TRANSPORTS:
                spectrum = _median_spectrum(report.cell_runs(results, s, t, w))
                if not spectrum:
                    continue
                colour, line = STYLES[(si, t)]
                ax.plot([_x(p) for p, _ in spectrum], [v for _, v in spectrum], line, color=colour,
                        marker=".", label=f"{s} {t.upper()}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: labels[ticks.index(x)] if x in ticks else ""))
        ax.xaxis.set_minor_locator(FixedLocator([]))
        ax.set_title(w)
        ax.set_xlabel("percentile")
        ax.set_ylabel("latency (µs)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(workloads):]:
        ax.set_visible(False)
    s = results["settings"]
    fig.suptitle(f"Latency percentiles, median of {s['runs']} runs — {results['date']}")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def throughput_plot(results, path):
    workloads = results["workloads"]
    fig, ax = plt.subplots(figsize=(12, 4.5))
    bars = [(si, s, t) for si, s in enumerate(results["servers"]) for t in report.TRANSPORTS]
    width = 0.8 / len(bars)
    for i, (si, s, t) in enumerate(bars):
        meds, lows, highs = [], [], []
        for w in workloads:
            m, lo, hi = report.spread(report.cell_runs(results, s, t, w), report.ops)
            meds.append(m / 1000)
            lows.append((m - lo) / 1000)
            highs.append((hi - m) / 1000)
        colour, line = STYLES[(si, t)]
        xs = [j + (i - (len(bars) - 1) / 2) * width for j in range(len(workloads))]
        ax.bar(xs, meds, width, yerr=[lows, highs], capsize=3, color=colour,
               alpha=1.0 if t == "tcp" else 0.55, hatch="" if t == "tcp" else "//", label=f"{s} {t.upper()}")
    ax.set_xticks(range(len(workloads)))
    # Long names ("memtier 50 conns x pipeline 16, binary") on two lines, so they do not overlap.
    ax.set_xticklabels([w.replace(", ", ",\n").replace(" x ", "\nx ") if len(w) > 24 else w for w in workloads])
    ax.set_ylabel("thousand requests/s (median, min–max)")
    ax.set_title(f"Throughput — {results['date']}")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
