#!/usr/bin/python3
"""How long a warm restart takes: a full cache of small values (memstripe-bench sets every
key of a key space larger than -m holds), a stop, and a start on the same memory file; the
time from the new process's exec to its first answer, the items it serves again, and the
recovery's own time from its log line. memstripe after SIGTERM and after SIGKILL; memcached
1.6.18 after SIGUSR1, its graceful stop, as the reference.

    /usr/bin/python3 bench/warm_restart.py [--memory 1024] [--value-size 100] [--servers memstripe,memcached]
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from harness import free_port, memcached_binary  # noqa: E402


def ask(port, line, end=b"\r\n", timeout=600):
    """One request on a new connection: the connect succeeds at once (the backlog), the
    answer comes once the server serves."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(line)
        data = b""
        while not data.endswith(end):
            chunk = s.recv(1 << 20)
            if not chunk:
                raise ConnectionError("closed")
            data += chunk
    return data


def stat(port, name):
    reply = ask(port, b"stats\r\n", b"END\r\n").decode()
    return int(re.search(rf"STAT {name} (\d+)", reply).group(1))


def start(cmd, log, port):
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    started = time.monotonic()
    deadline = started + 600
    while True:
        try:
            ask(port, b"version\r\n")
            return proc, time.monotonic() - started
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{cmd[0]} did not serve")
            time.sleep(0.005)  # polling for the listening socket, not synchronisation


def run(kind, binary, bench, args, stop_signal):
    work = tempfile.mkdtemp(prefix="warm-restart-", dir="/dev/shm")
    os.chmod(work, 0o777)
    port = free_port()
    cmd = [binary, "-p", str(port), "-l", "127.0.0.1", "-m", str(args.memory), "-t", "2",
           "-e", os.path.join(work, "cache")]
    if kind == "memcached" and os.geteuid() == 0:
        cmd += ["-u", "nobody"]
    log_path = os.path.join(work, "log")
    try:
        with open(log_path, "ab") as log:
            proc, _ = start(cmd, log, port)
            keys = args.keys or (args.memory << 20) * 5 // 4 // (args.value_size + 40)
            subprocess.run([bench, "--tcp", f"127.0.0.1:{port}", "--keys", str(keys), "--key-size", "16",
                            "--value-size", str(args.value_size), "-c", "20", "-n", "1", "-q"], check=True,
                           stdout=subprocess.DEVNULL)
            before = stat(port, "curr_items")
            evictions = stat(port, "evictions")
            proc.send_signal(stop_signal)
            proc.wait(60)
            if kind == "memcached":
                # memcached 1.6.18 refuses a restart in the second it stopped.
                stopped = int(time.time())
                while int(time.time()) <= stopped:
                    time.sleep(0.05)
            size_before = os.path.getsize(log_path)
            proc, to_serve = start(cmd, log, port)
            after = stat(port, "curr_items")
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
        with open(log_path) as f:
            f.seek(size_before)
            tail = f.read()
        m = re.search(r"in ([\d.]+) s", tail)
        recovery = float(m.group(1)) if m else None
        return {"server": kind, "stop": signal.Signals(stop_signal).name, "items_before": before,
                "evictions": evictions, "items_after": after, "to_serve_s": to_serve, "recovery_s": recovery}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--memory", type=int, default=1024, help="-m, in MB")
    parser.add_argument("--value-size", type=int, default=100)
    parser.add_argument("--keys", type=int, default=0, help="key space (default: a quarter more than -m holds)")
    parser.add_argument("--servers", default="memstripe,memcached")
    parser.add_argument("--build", default="build")
    args = parser.parse_args()
    bench = os.path.join(args.build, "memstripe-bench")
    runs = []
    for kind in args.servers.split(","):
        if kind == "memstripe":
            for sig in (signal.SIGTERM, signal.SIGKILL):
                runs.append(run(kind, os.path.join(args.build, "memstripe"), bench, args, sig))
        else:
            runs.append(run(kind, memcached_binary(), bench, args, signal.SIGUSR1))
    print(f"-m {args.memory}, {args.value_size} B values\n")
    print("| server | stop | items before | items after | recovery (log) | exec to first answer | items/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in runs:
        rate = r["items_after"] / r["to_serve_s"] if r["to_serve_s"] else 0
        recovery = f"{r['recovery_s']:.2f} s" if r["recovery_s"] is not None else "-"
        print(f"| {r['server']} | {r['stop']} | {r['items_before']:,} | {r['items_after']:,} | {recovery} | "
              f"{r['to_serve_s']:.2f} s | {rate / 1e6:.2f}M |")


if __name__ == "__main__":
    main()
