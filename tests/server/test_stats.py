"""The server's side of `stats`: connection counts (clients; memcached also counts its
listening sockets in total_connections and connection_structures), `stats conns` listing
every listener and client in memcached's format, threads, and `stats reset`."""

import re

from server_helpers import serving, stats


def conns(client):
    """`stats conns` as {fd: {field: value}}."""
    reply = client.request("stats conns\r\n", b"END\r\n").decode()
    result = {}
    for fd, field, value in re.findall(r"STAT (\d+):(\w+) (.*)\r\n", reply):
        result.setdefault(int(fd), {})[field] = value
    return result


def test_stats_conns_lists_both_listeners_and_every_client():
    with serving() as server:
        with server.connect("tcp") as asking, server.connect("unix") as idle:
            assert idle.request("version\r\n").startswith(b"VERSION ")
            table = conns(asking)
            listeners = {e["addr"] for e in table.values() if e.get("state") == "conn_listening"}
            assert listeners == {f"tcp:127.0.0.1:{server.port}", f"unix:{server.unix_path}"}
            clients = [e for e in table.values() if "listen_addr" in e]
            assert sorted(e["listen_addr"] for e in clients) == sorted(
                [f"tcp:127.0.0.1:{server.port}", f"unix:{server.unix_path}"])
            me = [e for e in clients if e["listen_addr"].startswith("tcp:")][0]
            assert re.fullmatch(r"tcp:127\.0\.0\.1:\d+", me["addr"])
            assert me["state"] == "conn_parse_cmd"  # the one asking is executing a command
            other = [e for e in clients if e["listen_addr"].startswith("unix:")][0]
            assert other["state"] == "conn_read"  # waiting for its next command
            assert all(int(e["secs_since_last_cmd"]) >= 0 for e in table.values())
            # memcached lists descriptors in order.
            assert list(table) == sorted(table)


def test_connection_counts_follow_clients_as_they_come_and_go():
    with serving(["-c", "50", "-t", "3"]) as server:
        with server.connect("tcp") as a:
            first = stats(a)
            assert first["max_connections"] == "50"
            assert first["threads"] == "3"
            assert first["curr_connections"] == "1"
            # One client so far, plus the two listening sockets, as memcached counts them.
            assert first["total_connections"] == "3"
            with server.connect("unix") as b, server.connect("tcp") as c:
                assert b.request("version\r\n").startswith(b"VERSION ")
                assert c.request("version\r\n").startswith(b"VERSION ")
                now = stats(a)
                assert now["curr_connections"] == "3"
                assert now["total_connections"] == "5"
                assert int(now["connection_structures"]) >= 5


def test_stats_reset_clears_the_connection_totals_and_command_counters():
    with serving() as server:
        with server.connect("tcp") as c:
            c.request("get nothing-here\r\n", b"END\r\n")
            assert int(stats(c)["cmd_get"]) >= 1
            assert c.request("stats reset\r\n") == b"RESET\r\n"
            after = stats(c)
            assert after["cmd_get"] == "0"
            assert after["rejected_connections"] == "0"
            assert int(after["total_connections"]) <= 2 + 1  # listeners, and nothing since


def test_command_counters_add_up_across_worker_threads():
    with serving(["-t", "4"]) as server:
        clients = [server.connect("tcp" if i % 2 else "unix") for i in range(8)]
        try:
            for c in clients:  # handed to the four workers in turn
                c.request("get a b c\r\n", b"END\r\n")
            assert int(stats(clients[0])["cmd_get"]) == 8 * 3
        finally:
            for c in clients:
                c.close()
