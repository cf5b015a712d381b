"""The servers under comparison, started by the tests' launcher (tests/harness.py) and
measured: pinned to cores with taskset, CPU time and RSS read from /proc, counters from
`stats`.

memstripe serves TCP and a UNIX socket from one process; memcached serves one or the other,
so a memcached "server" here may be two processes, one per transport."""

import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tests"))
from harness import BackgroundProcess, ServerProcess, accepts, free_port  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_sets():
    """(server cores, client core) as taskset lists: the server on every core but the
    first, load generators and clients on the first; (None, None) on one core."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return ",".join(map(str, cores[1:])), str(cores[0])


def pinned(cpu):
    """The launcher's wrapper that runs a program on the cores `cpu` (None: anywhere)."""
    return [] if cpu is None else ["taskset", "-c", str(cpu)]


class Measured:
    """What the lab reads from a started process, over the launcher's pid, port and socket."""

    def cpu_seconds(self):
        """utime + stime of every thread, from /proc/PID/stat."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of stat

    def rss_bytes(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def bench_target(self, transport):
        """memstripe-bench's arguments that reach this process over `transport`."""
        return ["--tcp", f"127.0.0.1:{self.port}"] if transport == "tcp" else ["--unix", self.unix_path]

    def django_location(self, transport):
        return f"tcp:127.0.0.1:{self.port}" if transport == "tcp" else f"unix:{self.unix_path}"


class Process(Measured, ServerProcess):
    """memstripe or memcached serving `transports` ("tcp", "unix" or both), with the same
    threads, memory and connection limit whichever it is."""

    def __init__(self, kind, binary, transports, threads, memory_mb, cpu=None, extra_args=()):
        args = ["-t", str(threads), "-m", str(memory_mb), "-c", "4096", *extra_args]
        super().__init__(kind, args=args, tcp="tcp" in transports, unix="unix" in transports, binary=binary,
                         debug_clock=False, wrapper=pinned(cpu))

    def stats(self):
        with self.connect(self.transports[0], timeout=30) as c:
            reply = c.request("stats\r\n", b"END\r\n").decode()
        out = {}
        for line in reply.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "STAT":
                out[parts[1]] = parts[2]
        return out


class FloorProcess(Measured, BackgroundProcess):
    """memstripe-floor (or -floor-uring) on one transport. It writes no port file: its TCP
    port is picked free before it starts, and it is ready when it accepts."""

    kind = "floor"
    start_attempts = 3  # the free port may be taken before it binds it

    def __init__(self, binary, transport, cpu=None):
        super().__init__("floor", wrapper=pinned(cpu))
        self.binary = binary
        self.transports = (transport,)
        self.port = None
        self.unix_path = None

    def command(self):
        if self.transports == ("tcp",):
            self.port = free_port()
            return [self.binary, "--tcp", str(self.port)]
        self.unix_path = os.path.join(self.dir, "server.sock")
        return [self.binary, "--unix", self.unix_path]

    def ready(self):
        return accepts(("127.0.0.1", self.port) if self.port else self.unix_path)


class Server:
    """A server under comparison: one process for both transports if it can, else one each."""

    def __init__(self, name, kind, binary, both_in_one, threads, memory_mb, cpu=None):
        self.name = name
        if both_in_one:
            p = Process(kind, binary, ("tcp", "unix"), threads, memory_mb, cpu)
            self.processes = {"tcp": p, "unix": p}
        else:
            self.processes = {t: Process(kind, binary, (t,), threads, memory_mb, cpu) for t in ("tcp", "unix")}

    def unique_processes(self):
        seen = []
        for p in self.processes.values():
            if p not in seen:
                seen.append(p)
        return seen

    def start(self):
        for p in self.unique_processes():
            p.start()
        return self

    def stop(self):
        for p in self.unique_processes():
            p.stop()

    def process(self, transport):
        return self.processes[transport]
