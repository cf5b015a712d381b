"""The client lab's report (bench/compare-clients): per configuration (client, server,
transport) the mean, median and 99th percentile time per get, the hits, the mean compared
to the fastest configuration's, and the UNIX/TCP ratio of the client's means against that
server; a Markdown page of the tables and a PNG of grouped bars per client."""

import os
import statistics

import matplotlib

matplotlib.use("Agg")  # no display here
import matplotlib.pyplot as plt  # noqa: E402

BARS = [("memstripe", "tcp"), ("memstripe", "unix"), ("memcached", "tcp"), ("memcached", "unix")]
COLOURS = {"memstripe": "tab:blue", "memcached": "tab:orange"}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def summarise(results):
    """{(client, server, transport): {mean_us, median_us, p99_us, gets, hit_ratio,
    vs_fastest, unix_vs_tcp}} for the configurations that were measured."""
    cells = {}
    for c in results["configs"]:
        times = sorted(c["times_ns"])
        if not times:
            continue
        cells[c["client"], c["server"], c["transport"]] = {
            "mean_us": statistics.fmean(times) / 1000,
            "median_us": statistics.median(times) / 1000,
            "p99_us": times[int(0.99 * (len(times) - 1))] / 1000,
            "gets": len(times),
            "hit_ratio": c["hits"] / len(times),
        }
    if not cells:
        return cells
    fastest = min(cell["mean_us"] for cell in cells.values())
    for (client, server, transport), cell in cells.items():
        cell["vs_fastest"] = cell["mean_us"] / fastest
        tcp = cells.get((client, server, "tcp"))
        cell["unix_vs_tcp"] = cell["mean_us"] / tcp["mean_us"] if transport == "unix" and tcp else None
    return cells


def markdown(results):
    cells = summarise(results)
    m, s = results["machine"], results["settings"]
    lines = [
        f"# Every client against memstripe and memcached, TCP and the UNIX socket — {results['date']}",
        "",
        f"Commit {results['commit']}; {' / '.join(results['versions'])}; {m['cores']} cores ({m['cpu']}), "
        f"Linux {m['kernel']}; servers on CPUs {m['server_cpus']}, clients on {m['client_cpus']}; load "
        f"{m['load_before']:.2f} before, {m['load_after']:.2f} after; {s['threads']} server thread(s), "
        f"-m {s['memory_mb']}." + (" **Quick run: few gets, noisy.**" if s["quick"] else ""),
        "",
        f"The seed benchmark (bench/django_bench.py's): {s['keys']} keys of 1 to 3 characters, "
        f"{100 * s['hit_fraction']:.0f} % holding a list of 30 short strings as the client serialises it; "
        f"{s['rounds']} rounds of {s['gets']} gets per configuration, one get at a time, each timed alone in "
        "the client's own language on its monotonic clock; rounds alternate over the configurations.",
        "",
        "## The clients",
        "",
        "| client | language | version | protocol | serialiser | transports | configured as |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in results["clients"]:
        lines.append(f"| {c['name']} | {c['language']} | {c['version']} | {c['protocol']} | {c['serialiser']} | "
                     f"{' + '.join(t.upper() for t in c['transports'])} | {c['practice']} |")
    lines += [
        "",
        "## Time per get",
        "",
        "Compared to fastest: the mean over the fastest configuration's mean. UNIX/TCP: the client's mean "
        "over the socket divided by its mean over TCP against the same server (below 1: the socket is faster).",
        "",
        "| client | protocol | server | transport | mean µs/get | median µs/get | p99 µs/get | hits | "
        "compared to fastest | UNIX/TCP |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    protocol = {c["name"]: c["protocol"] for c in results["clients"]}
    for c in results["clients"]:
        for server, transport in BARS:
            cell = cells.get((c["name"], server, transport))
            if not cell:
                continue
            ratio = f"{cell['unix_vs_tcp']:.2f}" if cell["unix_vs_tcp"] else ""
            lines.append(f"| {c['name']} | {protocol[c['name']]} | {server} | {transport.upper()} | "
                         f"{cell['mean_us']:.1f} | {cell['median_us']:.1f} | {cell['p99_us']:.1f} | "
                         f"{100 * cell['hit_ratio']:.0f}% | {cell['vs_fastest']:.2f}× | {ratio} |")
    lines += ["", "![time per get, every client](clients.png)", ""]
    if results["failures"]:
        lines += ["## Left out or failed", ""] + [f"- {f}" for f in results["failures"]] + [""]
    lines.append(f"Written by `make compare-clients` (bench/compare-clients) in {results['elapsed_s']:.0f} s.")
    return "\n".join(lines) + "\n"


def plot(results, path):
    cells = summarise(results)
    names = [c["name"] for c in results["clients"] if any((c["name"], s, t) in cells for s, t in BARS)]
    fig, ax = plt.subplots(figsize=(max(10, 1.1 * len(names) + 2), 5.5))
    width = 0.8 / len(BARS)
    for i, (server, transport) in enumerate(BARS):
        xs, medians, means = [], [], []
        for j, name in enumerate(names):
            cell = cells.get((name, server, transport))
            if cell:
                xs.append(j + (i - (len(BARS) - 1) / 2) * width)
                medians.append(cell["median_us"])
                means.append(cell["mean_us"])
        ax.bar(xs, medians, width, color=COLOURS[server], alpha=1.0 if transport == "tcp" else 0.55,
               hatch="" if transport == "tcp" else "//", label=f"{server} {transport.upper()}")
        ax.plot(xs, means, "k_", markersize=8)
    ax.plot([], [], "k_", label="mean")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylabel("µs per get (bar: median)")
    title = f"One get at a time, every client — {results['date']}"
    ax.set_title(title + (" (quick run: noisy)" if results["settings"]["quick"] else ""))
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(out_dir, results):
    """results.md and clients.png in out_dir; returns the Markdown."""
    plot(results, os.path.join(out_dir, "clients.png"))
    text = markdown(results)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write(text)
    return text
