"""-c caps the simultaneous clients (memstripe counts clients, not its own descriptors as
memcached does): one more gets memcached's error and is closed, and is counted in
rejected_connections; a slot freed by a closing client is usable again."""

from harness import wait_for
from server_helpers import serving, stats

LIMIT = 3


def admitted(connection):
    return connection.request("version\r\n").startswith(b"VERSION ")


def test_a_client_over_the_limit_gets_memcacheds_error_and_is_closed(transport):
    with serving(["-c", str(LIMIT)]) as server:
        clients = [server.connect(t) for t in ("tcp", "unix", transport)]
        try:
            assert all(admitted(c) for c in clients)
            with server.connect(transport) as extra:
                assert extra.read_line() == b"ERROR Too many open connections\r\n"
                assert extra.closed_by_peer()
            s = stats(clients[0])
            assert s["max_connections"] == str(LIMIT)
            assert s["curr_connections"] == str(LIMIT)
            assert s["rejected_connections"] == "1"
        finally:
            for c in clients:
                c.close()


def test_a_slot_freed_by_a_closed_client_admits_a_new_one(transport):
    with serving(["-c", str(LIMIT)]) as server:
        clients = [server.connect(transport) for _ in range(LIMIT)]
        assert all(admitted(c) for c in clients)
        clients.pop().close()

        def a_new_client_is_admitted():
            c = server.connect(transport)
            try:
                c.send("version\r\n")
            except (BrokenPipeError, ConnectionResetError):
                # Turned away and closed before the request left: over the UNIX socket the
                # send itself fails. What it was told is still there to read.
                pass
            try:
                line = c.read_line()
            except ConnectionResetError:
                c.close()  # over TCP, the reset for the request can overtake the refusal
                return False
            if line.startswith(b"VERSION "):
                clients.append(c)
                return True
            # Turned away: the server had not yet seen the close.
            assert line == b"ERROR Too many open connections\r\n"
            c.close()
            return False

        wait_for(a_new_client_is_admitted, 10, "the freed slot")
        for c in clients:
            c.close()


def test_the_limit_counts_clients_of_both_transports_together():
    with serving(["-c", "2"]) as server:
        with server.connect("tcp") as a, server.connect("unix") as b:
            assert admitted(a) and admitted(b)
            for transport in ("tcp", "unix"):
                with server.connect(transport) as extra:
                    assert extra.read_line() == b"ERROR Too many open connections\r\n"
            assert stats(a)["rejected_connections"] == "2"
