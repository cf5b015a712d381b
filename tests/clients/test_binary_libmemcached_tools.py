"""libmemcached's command-line tools (Debian's libmemcached-tools 1.1.4), unchanged, with
--binary: memccapable's binary conformance run (-b, TCP only), and files round-tripped
through memccp, memccat, memcexist, memctouch, memcrm, memcflush and memcstat over both
transports without authentication, and over TCP with --username/--password under -S.
memcdump and memcping have no --binary. Like every libmemcached client, the tools log in
over TCP only: over a UNIX socket they send their commands unauthenticated."""

import re
import subprocess

import pytest

from endpoints import largest_value_length

MEMCCAPABLE_BINARY_TESTS = [
    "noop", "quit", "quitq", "set", "setq", "flush", "flushq", "add", "addq", "replace",
    "replaceq", "delete", "deleteq", "get", "getq", "getk", "getkq", "incr", "incrq", "decr",
    "decrq", "version", "append", "appendq", "prepend", "prependq", "stat",
]


def run(*command, check=True):
    result = subprocess.run(command, capture_output=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} exited {result.returncode}: {result.stderr.decode()}")
    return result


def tool(name, endpoint, *args, password=None, check=True):
    login = []
    if endpoint.credentials:
        login = [f"--username={endpoint.credentials.username}",
                 f"--password={password or endpoint.credentials.password}"]
    return run(name, "--binary", f"--servers={endpoint.spec}", *login, *args, check=check)


@pytest.fixture
def served(libmemcached_served):
    return libmemcached_served


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Writes files into a scratch directory (the tools key them by basename)."""
    monkeypatch.chdir(tmp_path)

    def write(name, content):
        (tmp_path / name).write_bytes(content)
        return name

    return write


@pytest.mark.parametrize("mode", ["auto", "binary"])
def test_memccapable_passes_every_binary_test(clusters, mode):
    endpoint = clusters(1, mode).endpoint("tcp")  # memccapable speaks TCP only
    result = run("memccapable", "-b", "-t", "10", "-h", "127.0.0.1", "-p", str(endpoint.process.port), check=False)
    output = result.stdout.decode()
    verdicts = dict(re.findall(r"^binary (.+?)\s+\[(\w+)\]$", output, re.M))
    assert verdicts == {name: "pass" for name in MEMCCAPABLE_BINARY_TESTS}, output
    assert "All tests passed" in output
    assert result.returncode == 0, result.stderr.decode()


def test_memccp_then_memccat_round_trips_files(served, files):
    text = b"hello world\n"
    binary = bytes(range(256)) * 40 + b"\r\nEND\r\n\x00"
    tool("memccp", served, files("notes.txt", text), files("blob.bin", binary))
    assert served.binary_value("notes.txt") == (0, text)
    assert served.binary_value("blob.bin") == (0, binary)
    assert tool("memccat", served, "notes.txt").stdout == text + b"\n"
    assert tool("memccat", served, "blob.bin").stdout == binary + b"\n"


def test_memccp_stores_flags_and_memccat_shows_them(served, files):
    tool("memccp", served, "--flags=7", files("flagged", b"value"))
    assert served.binary_value("flagged") == (7, b"value")
    assert tool("memccat", served, "-F", "flagged").stdout == b"7\nvalue\n"


def test_memccp_copies_the_largest_value_whole_and_refuses_one_byte_more(served, files):
    name = "largest.bin"
    content = b"\xab" * largest_value_length(len(name))
    tool("memccp", served, files(name, content))
    assert tool("memccat", served, name).stdout == content + b"\n"
    assert tool("memccp", served, files(name, content + b"!"), check=False).returncode != 0
    assert tool("memccat", served, name, check=False).returncode != 0  # the old value is gone


def test_memccp_add_and_replace_respect_what_is_stored(served, files):
    files("doc", b"first")
    assert tool("memccp", served, "--replace", "doc", check=False).returncode != 0
    tool("memccp", served, "--add", "doc")
    files("doc", b"second")
    assert tool("memccp", served, "--add", "doc", check=False).returncode != 0
    assert served.binary_value("doc") == (0, b"first")
    tool("memccp", served, "--replace", "doc")
    assert served.binary_value("doc") == (0, b"second")


def test_memcexist_memcrm_and_memcflush(served, files):
    tool("memccp", served, files("doomed", b"x"), files("kept", b"y"))
    tool("memcexist", served, "doomed")
    tool("memcrm", served, "doomed")
    assert served.binary_value("doomed") is None
    assert tool("memcexist", served, "doomed", check=False).returncode != 0
    assert tool("memcrm", served, "doomed", check=False).returncode != 0
    assert served.binary_value("kept") == (0, b"y")
    tool("memcflush", served)
    assert served.binary_value("kept") is None


def test_memctouch_reports_whether_the_key_exists(served, files):
    tool("memccp", served, files("here", b"x"))
    tool("memctouch", served, "--expire=100", "here")
    assert tool("memctouch", served, "--expire=100", "absent", check=False).returncode != 0


def test_memctouch_gives_a_new_expiry(endpoint, files, server_clock):
    tool("memccp", endpoint, "--expire=10", files("touched", b"x"), files("untouched", b"y"))
    tool("memctouch", endpoint, "--expire=100", "touched")
    server_clock.advance(50)
    assert endpoint.raw_value("touched") == (0, b"x")
    assert endpoint.raw_value("untouched") is None
    server_clock.advance(51)
    assert endpoint.raw_value("touched") is None


def test_memcstat_prints_the_servers_stats(served, files):
    tool("memccp", served, files("one", b"1"), files("two", b"2"))
    lines = tool("memcstat", served).stdout.decode().splitlines()
    host = served.spec.rsplit(":", 1)[0]
    assert re.fullmatch(rf"Server: {re.escape(host)} \(\d+\)", lines[0])
    stats = dict(line.strip().split(": ", 1) for line in lines[1:] if ": " in line)
    assert int(stats["pid"]) == served.process.pid
    assert int(stats["cmd_set"]) >= 2 and int(stats["curr_items"]) >= 2
    assert stats["version"] == "1.6.18"


def test_a_wrong_password_is_refused(clusters, files):
    sasl = clusters(1, "sasl").endpoint("tcp")
    result = tool("memccp", sasl, files("secret", b"x"), password="wrong", check=False)
    assert result.returncode != 0 and b"AUTHENTICATION FAILURE" in result.stderr
    assert sasl.binary_value("secret") is None
    result = tool("memcstat", sasl, password="wrong", check=False)
    assert result.returncode != 0 and result.stdout == b""


def test_over_the_unix_socket_the_tools_do_not_log_in(clusters, files):
    sasl = clusters(1, "sasl").endpoint("unix")
    result = tool("memccp", sasl, files("secret", b"x"), check=False)
    assert result.returncode != 0 and b"AUTHENTICATION FAILURE" in result.stderr
    assert sasl.binary_value("secret") is None
    over_tcp = clusters(1, "sasl").endpoint("tcp")
    tool("memccp", over_tcp, "secret")  # the same login works over TCP
    assert over_tcp.binary_value("secret") == (0, b"x")
