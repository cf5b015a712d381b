"""-Y FILE: text clients log in with a `set` whose value is "user password" before any
command reaches the cache, over TCP, TLS and the UNIX socket, as memcached 1.6.18 has it. One
deviation, in the README: memcached answers only the last of the commands that arrive in one
read before authentication; memstripe answers each."""

import os
import signal

import pytest

from harness import ServerProcess, wait_for
from server_helpers import run_to_exit, serving

UNAUTHENTICATED = b"CLIENT_ERROR unauthenticated\r\n"


def login(user, password, noreply=False):
    token = f"{user} {password}".encode()
    return b"set auth 0 0 %d%s\r\n%s\r\n" % (len(token), b" noreply" if noreply else b"", token)


@pytest.fixture(scope="module")
def auth_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ascii_auth") / "auth"
    lines = [f"user{i}:pass{i}" for i in range(1, 9)] + ["ninth:pass9"]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def server(auth_file):
    with serving(["-Y", str(auth_file)]) as s:
        yield s


def test_every_command_before_authentication_is_refused_and_the_connection_stays_open(server, transport):
    with server.connect(transport) as c:
        for command in (b"get k\r\n", b"version\r\n", b"stats\r\n", b"mn\r\n", b"quit\r\n", b"set k 0 0\r\n"):
            assert c.request(command) == UNAUTHENTICATED, command
        assert c.request(login("user1", "pass1")) == b"STORED\r\n"


def test_after_authentication_commands_reach_the_one_cache_of_both_transports(server):
    with server.connect("tcp") as tcp, server.connect("unix") as unix:
        assert tcp.request(login("user1", "pass1")) == b"STORED\r\n"
        assert unix.request(login("user2", "pass2")) == b"STORED\r\n"
        assert tcp.request(b"set shared 5 0 2\r\nhi\r\n") == b"STORED\r\n"
        assert unix.request(b"get shared\r\n", b"END\r\n") == b"VALUE shared 5 2\r\nhi\r\nEND\r\n"
        assert tcp.request(b"get auth\r\n", b"END\r\n") == b"END\r\n", "the login's set stores nothing"


def test_the_login_answers_stored_even_with_noreply(server, transport):
    with server.connect(transport) as c:
        assert c.request(login("user3", "pass3", noreply=True)) == b"STORED\r\n"
        assert c.request(b"mn\r\n") == b"MN\r\n"


def test_words_after_the_password_are_ignored(server, transport):
    with server.connect(transport) as c:
        assert c.request(login("user4", "pass4 and more")) == b"STORED\r\n"
        assert c.request(b"mn\r\n") == b"MN\r\n"


def test_a_token_of_one_word_and_a_bad_terminator_are_client_errors(server, transport):
    with server.connect(transport) as c:
        assert c.request(b"set a 0 0 5\r\nuser1\r\n") == b"CLIENT_ERROR bad authentication token format\r\n"
        assert c.request(b"set a 0 0 5\r\nuser1xy") == b"CLIENT_ERROR bad command line termination\r\n"
        assert c.request(b"get k\r\n") == UNAUTHENTICATED


def test_wrong_credentials_are_refused_and_counted(server, transport):
    with server.connect(transport) as admin, server.connect(transport) as c:
        assert admin.request(login("user5", "pass5")) == b"STORED\r\n"

        def auth_counters():
            stats = dict(line.split(b" ")[1:3] for line in admin.request(b"stats\r\n", b"END\r\n").splitlines()[:-1])
            return int(stats[b"auth_cmds"]), int(stats[b"auth_errors"])

        cmds, errors = auth_counters()
        assert c.request(login("user5", "wrong")) == b"CLIENT_ERROR authentication failure\r\n"
        assert c.request(login("nobody", "pass5")) == b"CLIENT_ERROR authentication failure\r\n"
        assert c.request(b"get k\r\n") == UNAUTHENTICATED
        assert auth_counters() == (cmds + 2, errors + 2)


def test_the_file_holds_eight_entries_and_the_ninth_is_ignored(server, transport):
    with server.connect(transport) as c:
        assert c.request(login("user8", "pass8")) == b"STORED\r\n"
    with server.connect(transport) as c:
        assert c.request(login("ninth", "pass9")) == b"CLIENT_ERROR authentication failure\r\n"


def test_commands_sent_in_one_write_before_authentication_are_each_answered(server, transport):
    with server.connect(transport) as c:
        c.send(b"get a\r\nget b\r\n" + login("user6", "pass6") + b"get k\r\n")
        assert c.read_until(b"END\r\n") == UNAUTHENTICATED * 2 + b"STORED\r\nEND\r\n"


def test_a_line_without_a_newline_over_2048_bytes_closes_the_connection(server, transport):
    with server.connect(transport) as c:
        c.send(b"x" * 3000)
        assert c.read_to_close() == b""


def test_an_announced_token_over_4096_bytes_closes_the_connection(server, transport):
    with server.connect(transport) as c:
        c.send(b"set a 0 0 5000\r\n")
        assert c.read_to_close() == b""


def test_stats_settings_name_the_file(server, auth_file):
    with server.connect("tcp") as c:
        c.request(login("user7", "pass7"))
        settings = c.request(b"stats settings\r\n", b"END\r\n")
        assert b"STAT auth_enabled_ascii %s\r\n" % str(auth_file).encode() in settings
        assert b"STAT auth_enabled_sasl no\r\n" in settings


def test_sighup_reloads_the_file(tmp_path, transport):
    path = tmp_path / "auth"
    path.write_text("old:one\n")
    with serving(["-Y", str(path)]) as s:
        with s.connect(transport) as c:
            assert c.request(login("old", "one")) == b"STORED\r\n"
        path.write_text("new:two\n")
        os.kill(s.pid, signal.SIGHUP)

        def new_password_works():
            with s.connect(transport) as c:
                return c.request(login("new", "two")) == b"STORED\r\n"

        wait_for(new_password_works, 10, "the reloaded file's login")
        with s.connect(transport) as c:
            assert c.request(login("old", "one")) == b"CLIENT_ERROR authentication failure\r\n"


def test_a_missing_file_stops_the_start_before_anything_is_bound(tmp_path):
    socket_path = tmp_path / "never.sock"
    result = run_to_exit(["-Y", str(tmp_path / "missing"), "-s", str(socket_path)])
    assert result.returncode == 66  # EX_NOINPUT
    assert str(tmp_path / "missing") in result.stderr
    assert not socket_path.exists()


@pytest.mark.parametrize("case", ["refused", "quit", "login", "noreply", "one_word", "bad_terminator", "wrong",
                                  "extra_words", "ninth"])
def test_memcached_answers_the_same(auth_file, case):
    """Each write's answer read before the next write (memcached answers only the last
    command of a read before authentication)."""
    writes = {
        "refused": [b"get k\r\n", b"version\r\n"],
        "quit": [b"quit\r\n", b"get k\r\n"],
        "login": [login("user1", "pass1"), b"set k 0 0 1\r\nv\r\n", b"get k\r\n"],
        "noreply": [login("user2", "pass2", noreply=True), b"mn\r\n"],
        "one_word": [b"set a 0 0 5\r\nuser1\r\n", b"get k\r\n"],
        "bad_terminator": [b"set a 0 0 5\r\nuser1xy", b"get k\r\n"],
        "wrong": [login("user1", "pass2"), b"get k\r\n"],
        "extra_words": [login("user3", "pass3 x y"), b"mn\r\n"],
        "ninth": [login("ninth", "pass9"), b"get k\r\n"],
    }[case]
    answers = []
    for kind in ("memcached", "memstripe"):
        with ServerProcess(kind, ["-Y", str(auth_file)], unix=False) as s, s.connect("tcp") as c:
            replies = []
            for w in writes:
                c.send(w)
                replies.append(c.read_reply())
            answers.append(replies)
    assert answers[1] == answers[0]


def test_commands_pipelined_behind_a_failed_login_never_reach_the_cache(server, transport):
    with server.connect(transport) as c:
        c.send(login("user1", "wrong") + b"set stolen 0 0 1\r\nx\r\nget stolen\r\n" + login("user1", "pass1")
               + b"get stolen\r\n")
        # Before a login every `set` is read as one: the stolen set's "x" is a token of one word.
        replies = c.read_until(b"END\r\n")
        assert replies == (b"CLIENT_ERROR authentication failure\r\n"
                           b"CLIENT_ERROR bad authentication token format\r\n" + UNAUTHENTICATED
                           + b"STORED\r\nEND\r\n"), replies


def test_a_brute_force_of_wrong_passwords_is_each_counted(server, transport):
    with server.connect(transport) as admin, server.connect(transport) as c:
        admin.request(login("user1", "pass1"))

        def auth_errors():
            stats = admin.request(b"stats\r\n", b"END\r\n")
            return int(stats.split(b"STAT auth_errors ")[1].split(b"\r\n")[0])

        before = auth_errors()
        guesses = [f"guess{i}" for i in range(200)] + ["pass", "pass10", "pass1x", "PASS1"]
        c.send(b"".join(login("user1", g) for g in guesses))
        assert c.read_exact(len(guesses) * len(b"CLIENT_ERROR authentication failure\r\n")) == \
            b"CLIENT_ERROR authentication failure\r\n" * len(guesses)
        assert auth_errors() == before + len(guesses)


def test_pymemcache_logs_in_and_works_over_both_transports(server, transport):
    from pymemcache.client.base import Client
    from pymemcache.exceptions import MemcacheClientError
    client = Client(server.address(transport), connect_timeout=5, timeout=5)
    with pytest.raises(MemcacheClientError, match="unauthenticated"):
        client.get("k")
    # The login is a set whose STORED must be read: noreply=False.
    assert client.set("auth", b"user2 pass2", noreply=False)
    assert client.set("greeting", b"hello", noreply=False)
    assert client.get("greeting") == b"hello"
    assert client.incr("missing", 1) is None
    client.close()


# -- over TLS: -Y with -Z, the login inside the TLS session ---------------------------------

@pytest.fixture(scope="module")
def tls_server(auth_file, tmp_path_factory):
    from tls_helpers import Pki, tls_serving
    pki = Pki(tmp_path_factory.mktemp("auth_pki"))
    with tls_serving(pki, args=["-Y", str(auth_file)]) as s:
        yield s, pki


def test_over_tls_every_command_before_the_login_is_refused_then_the_cache_is_shared(tls_server):
    from tls_helpers import tls_client
    server, pki = tls_server
    with tls_client(server, pki.context()) as c, server.connect("unix") as unix:
        for command in (b"get k\r\n", b"version\r\n", b"quit\r\n"):
            assert c.request(command) == UNAUTHENTICATED, command
        assert unix.request(b"get k\r\n") == UNAUTHENTICATED, "the plaintext UNIX socket asks too"
        assert c.request(login("user1", "pass1")) == b"STORED\r\n"
        assert unix.request(login("user2", "pass2")) == b"STORED\r\n"
        assert c.request(b"set over-tls 0 0 3\r\nabc\r\n") == b"STORED\r\n"
        assert unix.request(b"get over-tls\r\n", b"END\r\n") == b"VALUE over-tls 0 3\r\nabc\r\nEND\r\n"


def test_over_tls_wrong_passwords_are_counted_and_what_follows_them_never_runs(tls_server):
    from tls_helpers import tls_client
    server, pki = tls_server
    with tls_client(server, pki.context()) as c, server.connect("unix") as admin:
        assert admin.request(login("user3", "pass3")) == b"STORED\r\n"

        def auth_errors():
            stats = admin.request(b"stats\r\n", b"END\r\n")
            return int(stats.split(b"STAT auth_errors ")[1].split(b"\r\n")[0])

        before = auth_errors()
        # One TLS write: a wrong login, a store and a get behind it, then the right login.
        c.send(login("user1", "wrong") + b"set tls-stolen 0 0 1\r\nx\r\nget tls-stolen\r\n"
               + login("user1", "pass1") + b"get tls-stolen\r\n")
        assert c.read_until(b"END\r\n") == (b"CLIENT_ERROR authentication failure\r\n"
                                            b"CLIENT_ERROR bad authentication token format\r\n"
                                            + UNAUTHENTICATED + b"STORED\r\nEND\r\n")
        assert auth_errors() == before + 1


def test_pymemcache_logs_in_over_tls(tls_server):
    from pymemcache.client.base import Client
    server, pki = tls_server
    client = Client(("127.0.0.1", server.port), tls_context=pki.context(), connect_timeout=10, timeout=10)
    assert client.set("auth", b"user4 pass4", noreply=False)
    assert client.set("tls-greeting", b"hello", noreply=False)
    assert client.get("tls-greeting") == b"hello"
    client.close()
