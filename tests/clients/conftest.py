"""Fixtures for the client suites: real memcached clients, unchanged, against real servers
(endpoints.py), every client test once per transport (the `transport` fixture of
tests/conftest.py)."""

import os
import shutil
import tempfile

import pytest

import client_builds
from driver import ClientDriver
from endpoints import Cluster, ServerClock, require_memstripe, write_sasl_config


@pytest.fixture(scope="session")
def sasl_env(tmp_path_factory):
    """The SASL configuration (-S) of every server in the run: SASL_USER in a sasldb."""
    return write_sasl_config(str(tmp_path_factory.mktemp("sasl")))


@pytest.fixture(scope="module")
def clusters(request):
    """Makes clusters of a given size and mode, shared by the whole test module."""
    made = {}

    def cluster_of(size, mode="auto"):
        """mode: Cluster's, "auto", "binary" (-B binary) or "sasl" (-S)."""
        if (size, mode) not in made:
            sasl_env = request.getfixturevalue("sasl_env") if mode == "sasl" else None
            made[size, mode] = Cluster(size, mode, sasl_env)
        return made[size, mode]

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
def binary_endpoint(clusters, transport):
    """The module's server started with -B binary over the test's transport, flushed."""
    e = clusters(1, "binary").endpoint(transport)
    e.flush()
    return e


@pytest.fixture
def sasl_endpoint(clusters, transport):
    """The module's server started with -S over the test's transport, flushed."""
    e = clusters(1, "sasl").endpoint(transport)
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


@pytest.fixture(scope="module")
def drivers(clusters):  # clusters: the servers stop after their clients, not before
    """Starts client drivers in other languages (driver.py), shared by the test module: the
    same command line gets the same running driver, as an application keeps its client, so
    that each test does not pay for starting an interpreter or a JVM. One that died (or was
    killed at a deadline) is started anew. All stop when the module ends."""
    running, unshared = {}, []

    def start(*argv, shared=True, **options):
        """shared=False: a driver of its own, a second client beside the shared one."""
        assert shutil.which(argv[0]), f"{argv[0]} is installed by make deps"
        if not shared:
            unshared.append(ClientDriver(argv, **options))
            return unshared[-1]
        if argv not in running or running[argv].proc.poll() is not None:
            running[argv] = ClientDriver(argv, **options)
        return running[argv]

    yield start
    everyone = [*running.values(), *unshared]
    for driver in everyone:  # all told to finish first: they exit side by side
        driver.finish()
    for driver in everyone:
        driver.close()


@pytest.fixture(params=["auto", "sasl"])
def served(request, clusters, transport):
    """The module's server over the test's transport, flushed, once serving both protocols
    without authentication and once with -S: a client logs in when `credentials` is set."""
    e = clusters(1, request.param).endpoint(transport)
    e.flush()
    return e


@pytest.fixture(params=[("auto", "tcp"), ("auto", "unix"), ("sasl", "tcp")], ids="-".join)
def libmemcached_served(request, clusters):
    """`served` for libmemcached's clients, which log in over TCP only: without
    authentication over both transports, with SASL over TCP."""
    mode, transport = request.param
    e = clusters(1, mode).endpoint(transport)
    e.flush()
    return e


@pytest.fixture(scope="module")
def spy_classpath(tmp_path_factory):
    """java/SpyDriver.java compiled against Debian's spymemcached, once per test module,
    into a temporary directory: the classpath that runs it."""
    return client_builds.spy_classpath(tmp_path_factory.mktemp("spydriver"))


@pytest.fixture(scope="session")
def npm_install():
    """Installs a Node.js suite's packages, tests/clients/NAME/package-lock.json, with
    `npm ci` into MEMSTRIPE_NPM_DIR/NAME (ctest gives the build directory, which git
    ignores; a temporary directory without it), again only when the lock changed. Returns
    the node_modules directory, for NODE_PATH."""
    temporary = []

    def install(name):
        root = os.environ.get("MEMSTRIPE_NPM_DIR")
        if not root:
            if not temporary:
                temporary.append(tempfile.mkdtemp(prefix="memstripe-npm-"))
            root = temporary[0]
        return client_builds.npm_install(name, root)

    yield install
    for directory in temporary:
        shutil.rmtree(directory, ignore_errors=True)
