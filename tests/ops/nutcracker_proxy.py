"""Debian's nutcracker (twemproxy) started for a test, in front of the test's own nodes.

Its config is conf/nutcracker.yml with the addresses replaced: the shipped pool settings
(hash, distribution, ejection) are the ones under test. nutcracker cannot report an
ephemeral port, so the proxy and its stats listener get free loopback ports picked just
before it starts; a start that loses that race is retried on new ones."""

import json
import os
import shutil
import socket

import yaml

from harness import SOURCE_DIR, BackgroundProcess, RawClient, accepts, connect_socket, free_port

SHIPPED_CONFIG = os.path.join(SOURCE_DIR, "conf", "nutcracker.yml")


def nutcracker_binary():
    return os.environ.get("NUTCRACKER_BIN") or shutil.which("nutcracker") or "/usr/sbin/nutcracker"


def shipped_pool():
    """(name, settings) of the single pool in conf/nutcracker.yml."""
    with open(SHIPPED_CONFIG) as f:
        pools = yaml.safe_load(f)
    assert len(pools) == 1, f"{SHIPPED_CONFIG} should define one pool, not {list(pools)}"
    return next(iter(pools.items()))


class Nutcracker(BackgroundProcess):
    """nutcracker serving the shipped pool over `nodes` (harness ServerProcess objects,
    TCP), named memstripe-1.. in order as in the shipped file. `overrides` replace pool
    settings, e.g. server_retry_timeout."""

    start_attempts = 3  # the free ports may be taken before nutcracker binds them

    def __init__(self, nodes, **overrides):
        super().__init__("nutcracker")
        name, pool = shipped_pool()
        self.pool_name = name
        self.pool = dict(pool)
        self.pool.update(overrides)
        self.pool["servers"] = [f"127.0.0.1:{n.port}:1 memstripe-{i + 1}" for i, n in enumerate(nodes)]
        self.port = None
        self.stats_port = None

    def command(self):
        self.port, self.stats_port = free_port(), free_port()
        self.pool["listen"] = f"127.0.0.1:{self.port}"
        config = os.path.join(self.dir, "nutcracker.yml")
        with open(config, "w") as f:
            yaml.safe_dump({self.pool_name: self.pool}, f)
        # -o: its log into ours (Debian's build logs to /var/log/nutcracker otherwise). -i:
        # aggregate stats every 100 ms, so a test reads fresh counters.
        return [nutcracker_binary(), "-c", config, "-o", self.log_path, "-s", str(self.stats_port),
                "-a", "127.0.0.1", "-i", "100"]

    def ready(self):
        return accepts(("127.0.0.1", self.port))

    def connect(self, timeout=10):
        return RawClient(connect_socket(("127.0.0.1", self.port), timeout))

    def pool_stats(self):
        """The pool's counters from the stats listener (it sends JSON and closes)."""
        with socket.create_connection(("127.0.0.1", self.stats_port), timeout=10) as s:
            data = b""
            while chunk := s.recv(1 << 16):
                data += chunk
        return json.loads(data)[self.pool_name]
