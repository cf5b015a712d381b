"""libmemcached's command-line tools (Debian's libmemcached-tools 1.1.4), unchanged:
memccapable's ASCII conformance run (TCP only), memcstat, and files round-tripped through
memccp, memccat, memctouch, memcrm, memcflush and memcdump over both transports.
libmemcached takes the UNIX socket as a plain path in --servers."""

import re
import subprocess

import pytest

from endpoints import largest_value_length

MEMCCAPABLE_ASCII_TESTS = [
    "version", "quit", "verbosity", "set", "set noreply", "get", "gets", "mget", "flush",
    "flush noreply", "add", "add noreply", "replace", "replace noreply", "cas", "cas noreply",
    "delete", "delete noreply", "incr", "incr noreply", "decr", "decr noreply", "append",
    "append noreply", "prepend", "prepend noreply", "stat",
]


def run(*command, check=True):
    result = subprocess.run(command, capture_output=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}: {result.stderr.decode()}")
    return result


def tool(name, endpoint, *args, check=True):
    return run(name, f"--servers={endpoint.spec}", *args, check=check)


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Writes files into a scratch directory (the tools key them by basename)."""
    monkeypatch.chdir(tmp_path)

    def write(name, content):
        (tmp_path / name).write_bytes(content)
        return name

    return write


def test_memccapable_passes_every_ascii_test(clusters):
    endpoint = clusters(1).endpoint("tcp")  # memccapable speaks TCP only
    result = run("memccapable", "-a", "-t", "10", "-h", "127.0.0.1",
                 "-p", str(endpoint.process.port), check=False)
    output = result.stdout.decode()
    verdicts = dict(re.findall(r"^ascii (.+?)\s+\[(\w+)\]$", output, re.M))
    assert verdicts == {name: "pass" for name in MEMCCAPABLE_ASCII_TESTS}, output
    assert "All tests passed" in output
    assert result.returncode == 0, result.stderr.decode()


def test_memcstat_prints_the_servers_stats(endpoint, files):
    tool("memccp", endpoint, files("one", b"1"), files("two", b"2"))
    output = tool("memcstat", endpoint).stdout.decode()
    lines = output.splitlines()
    assert re.fullmatch(rf"Server: {re.escape(endpoint.spec.rsplit(':', 1)[0])} \(\d+\)", lines[0])
    stats = dict(line.strip().split(": ", 1) for line in lines[1:] if ": " in line)
    assert int(stats["pid"]) == endpoint.process.pid
    assert int(stats["cmd_set"]) >= 2
    assert int(stats["curr_items"]) >= 2
    assert stats["version"] == endpoint.stats()["version"]


def test_memcstat_prints_the_server_version(endpoint):
    # memcstat writes this one to stderr, and names a socket as "path:0".
    output = tool("memcstat", endpoint, "--server-version").stderr.decode()
    name = endpoint.spec if endpoint.transport == "tcp" else endpoint.spec + ":0"
    assert output.split() == [name, endpoint.command("version").split()[1].decode()]


def test_memccp_then_memccat_round_trips_files(endpoint, files):
    text = b"hello world\n"
    binary = bytes(range(256)) * 40 + b"\r\nEND\r\n\x00"
    tool("memccp", endpoint, files("notes.txt", text), files("blob.bin", binary))
    assert endpoint.raw_value("notes.txt") == (0, text)
    assert endpoint.raw_value("blob.bin") == (0, binary)
    # memccat ends each value with a newline of its own.
    assert tool("memccat", endpoint, "notes.txt").stdout == text + b"\n"
    assert tool("memccat", endpoint, "blob.bin").stdout == binary + b"\n"


def test_memccp_stores_flags_and_memccat_shows_them(endpoint, files):
    tool("memccp", endpoint, "--flags=7", files("flagged", b"value"))
    assert tool("memccat", endpoint, "-F", "flagged").stdout == b"7\nvalue\n"


def test_memccp_copies_the_largest_value_whole(endpoint, files):
    name = "largest.bin"
    content = b"\xab" * largest_value_length(len(name))
    tool("memccp", endpoint, files(name, content))
    assert tool("memccat", endpoint, name).stdout == content + b"\n"
    assert tool("memccp", endpoint, files(name, content + b"!"), check=False).returncode != 0
    assert tool("memccat", endpoint, name, check=False).returncode != 0  # the old value is gone


def test_memccp_add_and_replace_respect_what_is_stored(endpoint, files):
    files("doc", b"first")
    assert tool("memccp", endpoint, "--replace", "doc", check=False).returncode != 0
    tool("memccp", endpoint, "--add", "doc")
    files("doc", b"second")
    assert tool("memccp", endpoint, "--add", "doc", check=False).returncode != 0
    assert endpoint.raw_value("doc") == (0, b"first")
    tool("memccp", endpoint, "--replace", "doc")
    assert endpoint.raw_value("doc") == (0, b"second")


def test_memccat_of_a_missing_key_fails(endpoint):
    result = tool("memccat", endpoint, "nothing-here", check=False)
    assert result.returncode != 0 and result.stdout == b""


def test_memcrm_removes_a_key(endpoint, files):
    tool("memccp", endpoint, files("doomed", b"x"), files("kept", b"y"))
    tool("memcrm", endpoint, "doomed")
    assert endpoint.raw_value("doomed") is None
    assert endpoint.raw_value("kept") == (0, b"y")
    assert tool("memcrm", endpoint, "doomed", check=False).returncode != 0


def test_memcflush_empties_the_server(endpoint, files):
    tool("memccp", endpoint, files("a", b"1"), files("b", b"2"))
    tool("memcflush", endpoint)
    assert endpoint.raw_value("a") is None and endpoint.raw_value("b") is None
    tool("memccp", endpoint, "a")
    assert endpoint.raw_value("a") == (0, b"1")


def test_memctouch_reports_whether_the_key_exists(endpoint, files):
    tool("memccp", endpoint, files("here", b"x"))
    tool("memctouch", endpoint, "--expire=100", "here")
    assert tool("memctouch", endpoint, "--expire=100", "absent", check=False).returncode != 0


def test_memctouch_gives_a_new_expiry(endpoint, files, server_clock):
    tool("memccp", endpoint, "--expire=10", files("touched", b"x"), files("untouched", b"y"))
    tool("memctouch", endpoint, "--expire=100", "touched")
    server_clock.advance(50)
    assert endpoint.raw_value("touched") == (0, b"x")
    assert endpoint.raw_value("untouched") is None
    server_clock.advance(51)
    assert endpoint.raw_value("touched") is None


def test_memcdump_lists_the_stored_keys(endpoint, files):
    names = [files(f"dumped-{i}", b"x" * i) for i in range(1, 6)]
    tool("memccp", endpoint, *names)
    assert sorted(tool("memcdump", endpoint).stdout.decode().split()) == names
