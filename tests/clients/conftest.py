"""Fixtures for the client suites: real memcached clients, unchanged, against real servers
(endpoints.py), every client test once per transport (the `transport` fixture of
tests/conftest.py)."""

import pytest

from endpoints import Cluster, ServerClock, require_memstripe


@pytest.fixture(scope="module")
def clusters():
    """Makes clusters of a given size, shared by the whole test module."""
    made = {}

    def cluster_of(size):
        if size not in made:
            made[size] = Cluster(size)
        return made[size]

    yield cluster_of
    for cluster in made.values():
        cluster.stop()


@pytest.fixture
def endpoint(clusters, transport):
    """The module's server over the test's transport, flushed: each test starts empty."""
    e = clusters(1).endpoint(transport)
    e.flush()
    return e


@pytest.fixture
def server_clock(endpoint):
    require_memstripe("the debug clock (memcached has no debug_advance_clock)")
    return ServerClock(endpoint)


@pytest.fixture
def transport_pair(clusters):
    """The same memstripe over TCP and over the socket: one store, two ways in."""
    require_memstripe("one process serving TCP and a UNIX socket on the same data")
    tcp, unix = clusters(1).endpoint("tcp"), clusters(1).endpoint("unix")
    tcp.flush()
    return tcp, unix
