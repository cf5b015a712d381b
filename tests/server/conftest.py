"""The server tests' shared memstripe is stopped with a check: exit status 0 and no
sanitizer report in its log."""

import pytest

from server_helpers import serving


@pytest.fixture(scope="module")
def server():
    with serving() as s:
        yield s
