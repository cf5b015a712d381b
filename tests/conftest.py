"""Shared pytest fixtures: a real memstripe per test module, and every test that talks to
it runs once per transport."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ServerProcess  # noqa: E402


@pytest.fixture(scope="module")
def server():
    """One memstripe serving TCP and a UNIX socket at once, for the whole test module."""
    with ServerProcess("memstripe") as s:
        yield s


@pytest.fixture(params=["tcp", "unix"])
def transport(request):
    return request.param


@pytest.fixture
def client(server, transport):
    """A raw connection to the module's server over the test's transport. Every key a test
    writes should be unique to the test, or flush_all first: the server is shared."""
    c = server.connect(transport)
    yield c
    c.close()
