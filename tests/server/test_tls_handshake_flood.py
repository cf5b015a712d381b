"""2,000 TLS handshakes that never finish cost a canary client nothing: its p99 round trip
over TLS, and over the UNIX socket, stays within 2x of what it was before they came (or
within a millisecond of it: a loopback p99 of ~0.2 ms moves by that much when the other core
is busy). A stalled handshake is a registered descriptor and a small SSL object, woken by
nothing until its client sends or the bound closes it. Normal build only (label timing)."""

import contextlib
import resource
import ssl
import time

import pytest

from harness import connect_socket, wait_for
from tls_helpers import Pki, server_stats, tls_client, tls_serving

STALLED = 2000
ROUND_TRIPS = 500


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


def half_a_client_hello(context):
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    hello = outgoing.read()
    return hello[: len(hello) // 2]


def p99_round_trip(request):
    times = []
    for _ in range(ROUND_TRIPS):
        start = time.perf_counter()
        request()
        times.append(time.perf_counter() - start)
    return sorted(times)[int(ROUND_TRIPS * 0.99) - 1]


def canary_p99s(server, pki):
    with tls_client(server, pki.context(), timeout=5) as over_tls, server.connect("unix") as over_unix:
        for c in (over_tls, over_unix):
            assert c.request(b"set canary 0 0 5\r\nhello\r\n") == b"STORED\r\n"
        return {
            "tls": p99_round_trip(lambda: over_tls.request(b"get canary\r\n", b"END\r\n")),
            "unix": p99_round_trip(lambda: over_unix.request(b"get canary\r\n", b"END\r\n")),
        }


def test_two_thousand_stalled_handshakes_leave_a_canarys_p99_within_2x(pki):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = STALLED + 100
    if soft < needed:
        assert hard >= needed, f"RLIMIT_NOFILE's hard limit {hard} is below the {needed} descriptors this needs"
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    hello = half_a_client_hello(pki.context())
    with tls_serving(pki, args=["-c", str(STALLED + 50)]) as server, contextlib.ExitStack() as stalled:
        quiet = canary_p99s(server, pki)
        for _ in range(STALLED):
            s = stalled.enter_context(connect_socket(("127.0.0.1", server.port)))
            s.sendall(hello)  # the server waits for the rest of the ClientHello
        wait_for(lambda: int(server_stats(server)["curr_connections"]) >= STALLED, 30,
                 "every stalled client accepted")
        flooded = canary_p99s(server, pki)
        assert int(server_stats(server)["ssl_handshake_errors"]) == 0  # pending, not failed
        for transport in ("tls", "unix"):
            bound = max(2 * quiet[transport], quiet[transport] + 0.001)
            assert flooded[transport] <= bound, (
                f"{transport}: canary p99 {flooded[transport] * 1e3:.3f} ms with {STALLED} stalled handshakes, "
                f"{quiet[transport] * 1e3:.3f} ms before")
