"""Scaling out: twemproxy (Debian's nutcracker) with conf/nutcracker.yml in front of three
memstripe nodes. Keys spread over every node by ketama, all read back through the proxy;
when a node dies the proxy ejects it and keeps serving the other nodes' keys, and the node
rejoins once it serves again.

MEMSTRIPE_OPS_AGAINST=memcached runs the same tests with Debian's memcached as the nodes:
the reference for what the proxy does with any memcached."""

import os
import subprocess

import pytest

from harness import ServerProcess, wait_for
from nutcracker_proxy import SHIPPED_CONFIG, Nutcracker, nutcracker_binary, shipped_pool

KIND = os.environ.get("MEMSTRIPE_OPS_AGAINST", "memstripe")
NODES = 3
ITEMS = {f"ops:{i:04d}": f"value-{i}" for i in range(1000)}
# A node that fails stays out of the ring for the rest of the test (the shipped 10 s would
# put it back, briefly, into a slow run's checks); the rejoin test shortens it instead.
STAYS_EJECTED_MS = 120_000
RETRY_SOON_MS = 200


def start_node(args=()):
    return ServerProcess(KIND, args=args, tcp=True, unix=False, debug_clock=False).start()


@pytest.fixture
def nodes():
    started = []
    try:
        for _ in range(NODES):
            started.append(start_node())
        yield started
    finally:
        for node in started:
            node.stop()


def chunks(seq, size=100):
    seq = list(seq)
    return [seq[i:i + size] for i in range(0, len(seq), size)]


def store(client, items):
    """Sets every item, 100 pipelined sets at a time; each must answer STORED."""
    for batch in chunks(items.items()):
        client.send(b"".join(f"set {k} 0 0 {len(v)}\r\n{v}\r\n".encode() for k, v in batch))
        for key, _ in batch:
            reply = client.read_line()
            assert reply == b"STORED\r\n", f"set {key}: {reply!r}"


def get_many(client, keys):
    """{key: value} of the keys that are there, by multi-gets of 100 keys."""
    found = {}
    for batch in chunks(keys):
        client.send(f"get {' '.join(batch)}\r\n")
        reply = client.read_reply()
        assert reply.endswith(b"END\r\n"), f"get of {len(batch)} keys: {reply[:200]!r}"
        lines = reply.split(b"\r\n")
        for i, line in enumerate(lines):
            if line.startswith(b"VALUE "):
                found[line.split()[1].decode()] = lines[i + 1].decode()
    return found


def get_one(client, key):
    """The value, None on a miss, or the error line the proxy answered instead."""
    client.send(f"get {key}\r\n")
    reply = client.read_reply()
    if reply == b"END\r\n":
        return None
    if reply.startswith(b"VALUE "):
        return reply.split(b"\r\n")[1].decode()
    return reply


def curr_items(node):
    with node.connect("tcp") as c:
        c.send("stats\r\n")
        for line in c.read_reply().decode().splitlines():
            if line.startswith("STAT curr_items "):
                return int(line.split()[2])
    raise AssertionError(f"{node.kind} sent no curr_items")


def holdings(nodes):
    """What each node holds of ITEMS, asked directly."""
    held = []
    for node in nodes:
        with node.connect("tcp") as c:
            held.append(get_many(c, ITEMS))
    return held


def stored_through(proxy, nodes):
    """Stores ITEMS through the proxy; returns what each node then holds."""
    with proxy.connect() as c:
        store(c, ITEMS)
    return holdings(nodes)


def test_shipped_config_is_a_ketama_pool_of_three_nodes_that_ejects_failures():
    check = subprocess.run([nutcracker_binary(), "-t", "-c", SHIPPED_CONFIG], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    _, pool = shipped_pool()
    assert pool["distribution"] == "ketama"
    assert pool["auto_eject_hosts"] is True
    assert pool.get("redis", False) is False
    assert pool["server_failure_limit"] >= 1 and pool["server_retry_timeout"] > 0
    assert len(pool["servers"]) == 3
    # Named nodes: the ring follows the names, not the addresses.
    assert all(len(s.split()) == 2 for s in pool["servers"])


def test_keys_spread_over_every_node_and_read_back_through_the_proxy(nodes):
    with Nutcracker(nodes) as proxy:
        held = stored_through(proxy, nodes)
        counts = [curr_items(n) for n in nodes]
        assert all(c > 0 for c in counts), f"a node holds nothing: {counts}"
        assert sum(counts) == len(ITEMS)
        # Each key on exactly one node, with its value.
        assert sum(len(h) for h in held) == len(ITEMS)
        assert {k: v for h in held for k, v in h.items()} == ITEMS
        with proxy.connect() as c:
            assert get_many(c, ITEMS) == ITEMS


def test_proxy_ejects_a_dead_node_and_keeps_serving_the_other_nodes_keys(nodes):
    with Nutcracker(nodes, server_retry_timeout=STAYS_EJECTED_MS) as proxy:
        held = stored_through(proxy, nodes)
        dead, survivors = nodes[1], [nodes[0], nodes[2]]
        dead_items, survivor_items = held[1], {**held[0], **held[2]}
        assert dead_items and survivor_items
        dead.stop()

        with proxy.connect() as c:
            # Consistent hashing: the live nodes' keys never went to the dead node, so
            # they are served before, during and after its ejection.
            assert get_many(c, survivor_items) == survivor_items

            # A request for the dead node's key fails (SERVER_ERROR) until the proxy has
            # counted server_failure_limit failures; then the key re-hashes to a live node.
            probe = next(iter(dead_items))
            wait_for(lambda: get_one(c, probe) is None, 10, "the dead node to be ejected")
            wait_for(lambda: proxy.pool_stats()["server_ejects"] >= 1, 10, "the proxy to count the ejection")

            assert get_many(c, dead_items) == {}, "the dead node's keys are misses on the live nodes"
            store(c, dead_items)
            assert get_many(c, dead_items) == dead_items
            assert get_many(c, survivor_items) == survivor_items
        assert sum(curr_items(n) for n in survivors) == len(ITEMS)


def test_a_restarted_node_rejoins_the_ring_after_the_retry_timeout(nodes):
    with Nutcracker(nodes, server_retry_timeout=RETRY_SOON_MS) as proxy:
        held = stored_through(proxy, nodes)
        port = nodes[1].port
        probe = next(iter(held[1]))
        nodes[1].stop()
        with proxy.connect() as c:
            wait_for(lambda: get_one(c, probe) is None, 10, "the dead node to be ejected")

            # Back on its address, empty. A value only it holds shows when the proxy routes
            # the probe key to it again.
            nodes[1] = start_node(["-p", str(port)])
            with nodes[1].connect("tcp") as direct:
                assert direct.request(f"set {probe} 0 0 8\r\nrejoined\r\n") == b"STORED\r\n"
            wait_for(lambda: get_one(c, probe) == "rejoined", 10, "the node to rejoin the ring")
            survivor_items = {**held[0], **held[2]}
            assert get_many(c, survivor_items) == survivor_items
