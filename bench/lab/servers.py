"""Starting the servers under comparison, pinned to a core, and reading what they cost:
CPU time and RSS from /proc, counters from `stats`.

memstripe serves TCP and a UNIX socket from one process; memcached serves one or the other,
so a memcached "server" here may be two processes, one per transport."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.005)


def cpu_sets():
    """(server cores, client core) as taskset lists: the server on every core but the
    first, load generators and clients on the first; (None, None) on one core."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None
    return ",".join(map(str, cores[1:])), str(cores[0])


class Process:
    """One server process serving `transports` ("tcp", "unix" or both)."""

    def __init__(self, kind, binary, transports, threads, memory_mb, cpu=None, extra_args=()):
        self.kind = kind
        self.binary = binary
        self.transports = tuple(transports)
        self.threads = threads
        self.memory_mb = memory_mb
        self.cpu = cpu
        self.extra_args = list(extra_args)
        self.proc = None
        self.dir = None
        self.port = None
        self.unix_path = None

    def start(self, timeout=20):
        self.dir = tempfile.mkdtemp(prefix=f"compare-{self.kind}-")
        port_file = os.path.join(self.dir, "port")
        args = [self.binary, "-t", str(self.threads), "-m", str(self.memory_mb), "-c", "4096"]
        args += ["-p", "-1", "-l", "127.0.0.1"] if "tcp" in self.transports else ["-p", "0"]
        if "unix" in self.transports:
            self.unix_path = os.path.join(self.dir, "server.sock")
            args += ["-s", self.unix_path]
        if self.kind == "floor":  # memstripe-floor: one transport, and no port file
            (transport,) = self.transports
            if transport == "tcp":
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", 0))
                    self.port = probe.getsockname()[1]
                args = [self.binary, "--tcp", str(self.port)]
            else:
                args = [self.binary, "--unix", self.unix_path]
        if self.kind == "memcached" and os.geteuid() == 0:
            args += ["-u", "root"]
        args += self.extra_args
        if self.cpu is not None:
            args = ["taskset", "-c", str(self.cpu)] + args  # taskset execs: the pid stays
        env = dict(os.environ, MEMCACHED_PORT_FILENAME=port_file)
        self.log_path = os.path.join(self.dir, "server.log")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)

        def ready():
            if self.proc.poll() is not None:
                with open(self.log_path, errors="replace") as f:
                    raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}: {f.read()}")
            if "tcp" in self.transports and self.port is None:
                try:
                    with open(port_file) as f:
                        for line in f:
                            if line.startswith("TCP INET:"):
                                self.port = int(line.split(":")[1])
                except OSError:
                    pass
                if self.port is None:
                    return False
            if "unix" in self.transports:
                return os.path.exists(self.unix_path) and self._unix_accepts()
            if self.kind == "floor":  # its port was chosen here, before it listened
                return self._tcp_accepts()
            return True

        wait_for(ready, timeout, f"{self.kind} to listen")
        return self

    def _tcp_accepts(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def _unix_accepts(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(self.unix_path)
            return True
        except OSError:
            return False
        finally:
            s.close()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def pid(self):
        return self.proc.pid

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

    def connect(self, transport, timeout=30):
        if transport == "tcp":
            s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(timeout)
            s.connect(self.unix_path)
        return s

    def stats(self):
        with self.connect(self.transports[0]) as s:
            s.sendall(b"stats\r\n")
            data = b""
            while not data.endswith(b"END\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    raise ConnectionError(f"{self.kind} closed the stats connection")
                data += chunk
        out = {}
        for line in data.decode().splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "STAT":
                out[parts[1]] = parts[2]
        return out

    def bench_target(self, transport):
        """memstripe-bench's arguments that reach this process over `transport`."""
        return ["--tcp", f"127.0.0.1:{self.port}"] if transport == "tcp" else ["--unix", self.unix_path]

    def django_location(self, transport):
        return f"tcp:127.0.0.1:{self.port}" if transport == "tcp" else f"unix:{self.unix_path}"


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
