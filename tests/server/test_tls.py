"""TLS (-Z), as memcached 1.6.18 has it: every TCP listener speaks TLS but the ones given
with notls:, the UNIX socket stays plaintext; every command family works over TLS, through
pymemcache, Django's cache and `openssl s_client`; client certificates are asked for or
required (ssl_verify_mode), ssl_min_version turns older clients away, sessions resume and
are counted; `stats settings` and the start-up failures are memcached's."""

import os
import socket
import ssl
import subprocess

import pytest

from harness import RawClient, ServerProcess, connect_socket, free_port, wait_for
from server_helpers import run_to_exit, stats
from tls_helpers import (Pki, closed_without_a_byte, handshake_errors, server_stats, tcp_ports, tls_client,
                         tls_serving, tls_socket, wait_for_handshake_errors)

EX_USAGE = 64


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def server(pki):
    with tls_serving(pki, args=["-l", "notls:127.0.0.1:0"]) as s:
        yield s


@pytest.fixture
def client(server, pki):
    with tls_client(server, pki.context()) as c:
        yield c


def pymemcache_client(server, context, **kwargs):
    from pymemcache.client.base import Client
    return Client(("127.0.0.1", server.port), tls_context=context, connect_timeout=10, timeout=10,
                  default_noreply=False, **kwargs)


# -- commands over TLS ------------------------------------------------------------------

def test_pymemcache_runs_every_command_family_over_tls(server, pki):
    c = pymemcache_client(server, pki.context())
    try:
        assert c.set("tls:k", b"v1")
        assert c.get("tls:k") == b"v1"
        assert c.add("tls:k", b"x") is False
        assert c.add("tls:new", b"n")
        assert c.replace("tls:k", b"v2")
        assert c.append("tls:k", b"-end")
        assert c.prepend("tls:k", b"start-")
        assert c.get("tls:k") == b"start-v2-end"
        value, cas = c.gets("tls:k")
        assert c.cas("tls:k", b"swapped", cas)
        assert c.cas("tls:k", b"again", cas) is False
        assert c.set("tls:n", b"10")
        assert c.incr("tls:n", 5) == 15
        assert c.decr("tls:n", 20) == 0
        assert c.touch("tls:k", 100)
        c.set_many({"tls:m1": b"1", "tls:m2": b"2"})
        assert c.get_many(["tls:m1", "tls:m2", "tls:absent"]) == {"tls:m1": b"1", "tls:m2": b"2"}
        assert c.delete("tls:m1")
        assert c.get("tls:m1") is None
        assert c.version().startswith(b"1.6")
        assert int(c.stats()[b"ssl_handshake_errors"]) >= 0
        assert c.flush_all()
        assert c.get("tls:k") is None
    finally:
        c.close()


def test_meta_commands_and_pipelines_work_over_tls(client):
    reply = client.request(b"ms tls:meta 5 T0\r\nhello\r\nmg tls:meta v f\r\nma tls:ctr N0 J7\r\nmn\r\n", b"MN\r\n")
    assert reply == b"HD\r\nVA 5 f0\r\nhello\r\nHD\r\nMN\r\n"
    assert client.request(b"md tls:meta\r\nmg tls:meta v\r\n", b"EN\r\n") == b"HD\r\nEN\r\n"
    assert client.request(b"set tls:g 0 0 1\r\ng\r\ngat 100 tls:g\r\n", b"END\r\n") == \
        b"STORED\r\nVALUE tls:g 0 1\r\ng\r\nEND\r\n"
    # Many requests in one write, many replies in one flush: gathered into few records.
    count = 500
    batch = b"".join(b"set tls:p%d 0 0 3\r\nabc\r\n" % i for i in range(count))
    client.send(batch)
    for _ in range(count):
        assert client.read_line() == b"STORED\r\n"
    keys = b" ".join(b"tls:p%d" % i for i in range(count))
    reply = client.request(b"get " + keys + b"\r\n", b"END\r\n")
    assert reply.count(b"VALUE ") == count


@pytest.mark.parametrize("length", [1, 16 * 1024 - 1, 16 * 1024, 100 * 1024 + 7, 1000 * 1000])
def test_values_of_every_size_cross_tls_intact(client, length):
    value = bytes((i * 7 + length) % 251 for i in range(length))
    assert client.request(b"set tls:big 0 0 %d\r\n" % length + value + b"\r\n") == b"STORED\r\n"
    client.send(b"get tls:big\r\n")
    assert client.read_line() == b"VALUE tls:big 0 %d\r\n" % length
    assert client.read_exact(length + 2) == value + b"\r\n"
    assert client.read_line() == b"END\r\n"


def test_replies_to_a_client_that_reads_slowly_all_arrive(server, pki):
    # A large reply meets a full socket: the TLS write is retried until everything is out.
    with tls_client(server, pki.context()) as c:
        length = 512 * 1024
        value = os.urandom(length)
        assert c.request(b"set tls:slow 0 0 %d\r\n" % length + value + b"\r\n") == b"STORED\r\n"
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.send(b"get tls:slow\r\nget tls:slow\r\nget tls:slow\r\n")
        for _ in range(3):
            assert c.read_line() == b"VALUE tls:slow 0 %d\r\n" % length
            assert c.read_exact(length + 2) == value + b"\r\n"
            assert c.read_line() == b"END\r\n"


def test_openssl_s_client_holds_a_scripted_conversation(server, pki):
    script = "set tls:s 0 0 5\nhello\nget tls:s\nversion\nquit\n"
    result = subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{server.port}", "-servername", "localhost",
         "-CAfile", pki.ca.cert_path, "-verify_return_error", "-quiet", "-crlf"],
        input=script.encode(), capture_output=True, timeout=30)
    assert result.stdout.startswith(b"STORED\r\nVALUE tls:s 0 5\r\nhello\r\nEND\r\nVERSION "), result
    assert result.returncode == 0, result.stderr


# -- listeners --------------------------------------------------------------------------

def test_a_notls_listener_and_the_unix_socket_stay_plaintext_beside_tls(server, pki):
    tls_port, plain_port = tcp_ports(server)
    assert tls_port == server.port
    with RawClient(connect_socket(("127.0.0.1", plain_port))) as plain, server.connect("unix") as local, \
            tls_client(server, pki.context()) as secure:
        assert plain.request(b"set tls:l 0 0 2\r\nok\r\n") == b"STORED\r\n"
        assert local.request(b"get tls:l\r\n", b"END\r\n") == b"VALUE tls:l 0 2\r\nok\r\nEND\r\n"
        assert secure.request(b"get tls:l\r\n", b"END\r\n") == b"VALUE tls:l 0 2\r\nok\r\nEND\r\n"
        settings = stats(plain, "settings")
    assert settings["ssl_enabled"] == "yes"
    assert settings["inter"] == "127.0.0.1,notls:127.0.0.1:0"


def test_a_tls_client_is_refused_by_a_notls_listener(server, pki):
    _, plain_port = tcp_ports(server)
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        tls_socket(plain_port, pki.context(), timeout=3).close()


def test_plaintext_to_the_tls_port_is_closed_without_a_byte_and_counted(server):
    before = handshake_errors(server)
    with connect_socket(("127.0.0.1", server.port)) as s:
        s.sendall(b"version\r\n")
        assert closed_without_a_byte(s)
    wait_for_handshake_errors(server, before + 1)


# -- verification and versions ----------------------------------------------------------

def test_a_client_trusting_another_ca_refuses_the_server(server, pki):
    with pytest.raises(ssl.SSLCertVerificationError):
        tls_socket(server.port, pki.other_ca.client_context()).close()


def tls_request_fails(port, context):
    """True when a TLS client cannot get `version` answered (refused in the handshake, or,
    in TLS 1.3, by the alert that follows it)."""
    try:
        with tls_socket(port, context) as s:
            s.sendall(b"version\r\n")
            return s.recv(100) == b""
    except (ssl.SSLError, ConnectionError):
        return True


def test_verify_mode_0_asks_no_client_certificate(server, pki):
    with tls_client(server, pki.context()) as c:
        assert c.request(b"version\r\n").startswith(b"VERSION ")


def test_verify_mode_2_requires_a_client_certificate(pki):
    with tls_serving(pki, "ssl_verify_mode=2", f"ssl_ca_cert={pki.ca.cert_path}") as server:
        before = handshake_errors(server)
        assert tls_request_fails(server.port, pki.context())
        wait_for_handshake_errors(server, before + 1)
        with tls_client(server, pki.context(cert=pki.client_cert, key=pki.client_key)) as c:
            assert c.request(b"version\r\n").startswith(b"VERSION ")
        other_cert, other_key = pki.other_ca.issue("stranger", client=True)
        assert tls_request_fails(server.port, pki.context(cert=other_cert, key=other_key))
        settings = server_stats(server, "settings")
        assert settings["ssl_verify_mode"] == "3"  # OpenSSL's flag bits, as memcached shows them
        assert settings["ssl_ca_cert"] == pki.ca.cert_path


def test_min_version_3_refuses_a_tls_1_2_client(pki):
    with tls_serving(pki, "ssl_min_version=3") as server:
        before = handshake_errors(server)
        with pytest.raises(ssl.SSLError):
            tls_socket(server.port, pki.context(maximum_version=ssl.TLSVersion.TLSv1_2)).close()
        wait_for_handshake_errors(server, before + 1)
        with tls_socket(server.port, pki.context()) as s:
            assert s.version() == "TLSv1.3"
        assert server_stats(server, "settings")["ssl_min_version"] == "tlsv1.3"


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1:DeprecationWarning")
def test_the_default_minimum_is_tls_1_2(server, pki):
    with tls_socket(server.port, pki.context(maximum_version=ssl.TLSVersion.TLSv1_2)) as s:
        assert s.version() == "TLSv1.2"
    context = pki.context()
    context.minimum_version = ssl.TLSVersion.TLSv1
    context.maximum_version = ssl.TLSVersion.TLSv1_1
    context.set_ciphers("ALL:@SECLEVEL=0")
    with pytest.raises(ssl.SSLError):
        tls_socket(server.port, context).close()


# -- sessions ---------------------------------------------------------------------------

def new_sessions_along_a_resumption(port, stats_of, context_of):
    """ssl_new_sessions after each of: a TLS 1.3 connection, one resuming its session, a
    TLS 1.2 connection and one resuming that; and whether each resumed."""
    counts, reused = [], []
    for version in (None, ssl.TLSVersion.TLSv1_2):
        context = context_of(version)
        session = None
        for _ in range(2):
            with context.wrap_socket(connect_socket(("127.0.0.1", port)), server_hostname="localhost",
                                     session=session) as s:
                s.sendall(b"version\r\n")
                assert s.recv(100).startswith(b"VERSION ")  # answered: the server's handshake is over
                session = s.session
                reused.append(s.session_reused)
            counts.append(int(stats_of()["ssl_new_sessions"]))
    return counts, reused


def test_sessions_resume_and_new_ones_are_counted_as_memcached_counts_them(pki):
    def context_of(version):
        return pki.context(maximum_version=version) if version else pki.context()
    suboptions = ["ssl_session_cache"]
    with tls_serving(pki, *suboptions) as ours:
        assert server_stats(ours)["ssl_new_sessions"] == "0"
        our_counts, our_reused = new_sessions_along_a_resumption(ours.port, lambda: server_stats(ours), context_of)
    assert our_reused == [False, True, False, True]
    # OpenSSL's new-session callback, which memcached counts: each TLS 1.3 ticket issued
    # (two on a full handshake, one on a resumption); a TLS 1.2 ticket session, never.
    assert our_counts[0] > 0 and our_counts[1] > our_counts[0]
    plain_port = free_port()
    args = [*pki.server_args(*suboptions), "-l", f"notls:127.0.0.1:{plain_port}"]
    with ServerProcess("memcached", args=args, unix=False) as theirs:
        def their_stats():
            with RawClient(connect_socket(("127.0.0.1", plain_port))) as c:
                return stats(c)
        their_counts, their_reused = new_sessions_along_a_resumption(theirs.port, their_stats, context_of)
    assert (our_counts, our_reused) == (their_counts, their_reused)


def test_without_the_session_cache_there_is_no_new_sessions_line(server):
    s = server_stats(server)
    assert "ssl_new_sessions" not in s
    assert "ssl_handshake_errors" in s and "time_since_server_cert_refresh" in s


def test_kernel_tls_is_asked_for_and_tls_works_with_or_without_the_kernel_module(pki):
    with tls_serving(pki, "ssl_kernel_tls", args=["-vv"]) as server:
        with tls_client(server, pki.context()) as c:
            length = 200 * 1024
            value = os.urandom(length)
            assert c.request(b"set tls:k 0 0 %d\r\n" % length + value + b"\r\n") == b"STORED\r\n"
            c.send(b"get tls:k\r\n")
            assert c.read_line() == b"VALUE tls:k 0 %d\r\n" % length
            assert c.read_exact(length + 2) == value + b"\r\n"
        assert server_stats(server, "settings")["ssl_kernel_tls"] == "yes"
        wait_for(lambda: "TLS established" in server.log(), 10, "the handshake in the log")
        # What the kernel did is in the log: "kernel TLS send" with the tls module, else "no".
        assert "kernel TLS send" in server.log()


# -- clients ----------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Django 3.2 on Python 3.11
def test_djangos_pymemcache_cache_works_over_tls(server, pki):
    import django
    from django.conf import settings
    if not settings.configured:
        settings.configure(CACHES={"default": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": f"127.0.0.1:{server.port}",
            "OPTIONS": {"tls_context": pki.context()},
        }})
        django.setup()
    from django.core.cache import caches
    cache = caches["default"]
    cache.set("greeting", "hello over tls", 60)
    assert cache.get("greeting") == "hello over tls"
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.incr("a", 10) == 11
    cache.delete_many(["a", "b"])
    assert cache.get("a") is None
    cache.close()


# -- settings and start-up, against memcached -------------------------------------------

def tls_stat_lines(connect):
    """The ssl_* lines of `stats settings` (names and values), and the names of the TLS
    lines of `stats` (their values move)."""
    with connect() as c:
        return {k: v for k, v in stats(c, "settings").items() if k.startswith("ssl_")}, \
            [k for k in stats(c) if k.startswith(("ssl_", "time_since_server_cert"))]


def test_stats_lines_and_refresh_answers_are_memcacheds(pki):
    suboptions = [f"ssl_chain_cert={pki.cert}", f"ssl_key={pki.key}", f"ssl_ca_cert={pki.ca.cert_path}",
                  "ssl_verify_mode=1", "ssl_session_cache", "ssl_wbuf_size=32", "ssl_ciphers=HIGH"]
    args = ["-Z", "-o", ",".join(suboptions)]
    with tls_serving(pki, *suboptions[2:]) as ours, \
            ServerProcess("memcached", args=args, unix=False) as theirs:
        def our_client():
            return ours.connect("unix")

        def their_client():
            return RawClient(tls_socket(theirs.port, pki.context()))
        assert tls_stat_lines(our_client) == tls_stat_lines(their_client)
        with our_client() as a, their_client() as b:
            assert a.request(b"refresh_certs\r\n") == b.request(b"refresh_certs\r\n") == b"OK\r\n"


@pytest.mark.parametrize("suboptions,message", [
    ([], "Error loading the certificate chain: (null) : "),
    (["ssl_chain_cert={cert}"], "Error loading the key: (null) : "),
    (["ssl_chain_cert={cert}", "ssl_key=/nonexistent.key"],
     "Error loading the key: /nonexistent.key : error:80000002:system library::No such file or directory"),
    (["ssl_chain_cert={cert}", "ssl_key={key}", "ssl_ciphers=BOGUS"], "Error setting the provided cipher(s): BOGUS"),
])
def test_minus_z_without_a_usable_certificate_stops_the_start_as_memcached_does(pki, suboptions, message):
    args = ["-Z", "-p", "-1"]
    if suboptions:
        args += ["-o", ",".join(s.format(cert=pki.cert, key=pki.key) for s in suboptions)]
    ours = run_to_exit(args)
    assert ours.returncode == EX_USAGE
    assert message in ours.stderr
    user = ["-u", "root"] if os.geteuid() == 0 else []
    theirs = subprocess.run(["memcached", *user, "-U", "0", *args], capture_output=True, text=True, timeout=20)
    assert theirs.returncode == EX_USAGE
    assert message in theirs.stderr


@pytest.mark.parametrize("args,message", [
    (["-l", "notls:127.0.0.1"], "'notls' option is valid only when SSL is enabled"),
    (["-Z", "-p", "0", "-s", "/tmp/memstripe-never.sock"], "ERROR: You cannot enable SSL without a TCP port."),
    (["-o", "ssl_min_version=tlsv1.3"], "could not parse argument to ssl_min_version"),
    (["-o", "ssl_verify_mode=4"], "Invalid ssl_verify_mode. Use help to see valid options."),
    (["-o", "ssl_chain_cert"], "Missing ssl_chain_cert argument"),
])
def test_bad_tls_flags_are_refused_in_memcacheds_words(args, message):
    result = run_to_exit(args)
    assert result.returncode == EX_USAGE
    assert message in result.stderr


def test_stats_reset_zeroes_the_handshake_errors(pki):
    with tls_serving(pki) as server:
        with connect_socket(("127.0.0.1", server.port)) as s:
            s.sendall(b"\x00" * 64)
            closed_without_a_byte(s)
        wait_for_handshake_errors(server, 1)
        with server.connect("unix") as c:
            assert c.request(b"stats reset\r\n") == b"RESET\r\n"
        assert handshake_errors(server) == 0
