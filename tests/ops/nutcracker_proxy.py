"""Debian's nutcracker (twemproxy) started for a test, in front of the test's own nodes.

Its config is conf/nutcracker.yml with the addresses replaced: the shipped pool settings
(hash, distribution, ejection) are the ones under test. nutcracker cannot report an
ephemeral port, so the proxy and its stats listener get free loopback ports picked just
before it starts; a start that loses that race is retried on new ones."""

import json
import os
import shutil
import socket
import subprocess
import tempfile

import yaml

from harness import SOURCE_DIR, RawClient, wait_for

SHIPPED_CONFIG = os.path.join(SOURCE_DIR, "conf", "nutcracker.yml")


def nutcracker_binary():
    return os.environ.get("NUTCRACKER_BIN") or shutil.which("nutcracker") or "/usr/sbin/nutcracker"


def shipped_pool():
    """(name, settings) of the single pool in conf/nutcracker.yml."""
    with open(SHIPPED_CONFIG) as f:
        pools = yaml.safe_load(f)
    assert len(pools) == 1, f"{SHIPPED_CONFIG} should define one pool, not {list(pools)}"
    return next(iter(pools.items()))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nutcracker:
    """nutcracker serving the shipped pool over `nodes` (harness ServerProcess objects,
    TCP), named memstripe-1.. in order as in the shipped file. `overrides` replace pool
    settings, e.g. server_retry_timeout."""

    def __init__(self, nodes, **overrides):
        name, pool = shipped_pool()
        self.pool_name = name
        self.pool = dict(pool)
        self.pool.update(overrides)
        self.pool["servers"] = [f"127.0.0.1:{n.port}:1 memstripe-{i + 1}" for i, n in enumerate(nodes)]
        self.dir = None
        self.proc = None
        self.port = None
        self.stats_port = None

    def start(self, attempts=3, timeout=20):
        self.dir = tempfile.mkdtemp(prefix="nutcracker-test-")
        for attempt in range(attempts):
            self.port, self.stats_port = free_port(), free_port()
            self.pool["listen"] = f"127.0.0.1:{self.port}"
            config = os.path.join(self.dir, "nutcracker.yml")
            with open(config, "w") as f:
                yaml.safe_dump({self.pool_name: self.pool}, f)
            self.log_path = os.path.join(self.dir, "nutcracker.log")
            # -i: aggregate stats every 100 ms, so a test reads fresh counters.
            self.proc = subprocess.Popen(
                [nutcracker_binary(), "-c", config, "-o", self.log_path, "-s", str(self.stats_port),
                 "-a", "127.0.0.1", "-i", "100"],
                stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
            try:
                wait_for(self._serving, timeout, "nutcracker to listen")
                return self
            except _Exited:
                if attempt == attempts - 1:
                    raise RuntimeError(f"nutcracker exited with {self.proc.returncode}: {self.log()}")

    def _serving(self):
        if self.proc.poll() is not None:
            raise _Exited()
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.dir and os.environ.get("MEMSTRIPE_KEEP_TEST_DIRS") is None:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def connect(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return RawClient(s)

    def pool_stats(self):
        """The pool's counters from the stats listener (it sends JSON and closes)."""
        with socket.create_connection(("127.0.0.1", self.stats_port), timeout=10) as s:
            data = b""
            while chunk := s.recv(1 << 16):
                data += chunk
        return json.loads(data)[self.pool_name]


class _Exited(Exception):
    pass
