"""Certificate rotation: `refresh_certs` and SIGHUP read the certificate and key again into
a new TLS context for the connections that come next; connections already open keep the
one they started with. A reload that fails says why, in memcached's words, and keeps the
certificate in use (memcached, loading into its live context, then fails every new
handshake until a reload succeeds: a README deviation)."""

import os
import shutil
import signal

import pytest

from harness import RawClient, ServerProcess, wait_for
from server_helpers import serving
from tls_certificates import peer_common_name, replace_file
from tls_helpers import Pki, server_stats, tls_serving, tls_socket


@pytest.fixture
def pki(tmp_path):
    return Pki(tmp_path / "pki")


@pytest.fixture
def live(pki, tmp_path):
    """The paths the server is started with, holding server-a's certificate and key, and
    server-b's files, ready to be put in their place."""
    paths = {"crt": str(tmp_path / "live.crt"), "key": str(tmp_path / "live.key")}
    shutil.copy(pki.cert, paths["crt"])
    shutil.copy(pki.key, paths["key"])
    paths["b_crt"], paths["b_key"] = pki.ca.issue("server-b")
    garbage = tmp_path / "garbage.crt"
    garbage.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    paths["garbage"] = str(garbage)
    return paths


def live_server(pki, live, *extra):
    return serving(["-Z", "-o", f"ssl_chain_cert={live['crt']},ssl_key={live['key']}", *extra])


def presented(server, pki):
    """The CN of the certificate a new connection is shown, after it has been answered."""
    with tls_socket(server.port, pki.context()) as s:
        s.sendall(b"version\r\n")
        assert s.recv(100).startswith(b"VERSION ")
        return peer_common_name(s)


def refresh(server):
    with server.connect("unix") as c:
        return c.request(b"refresh_certs\r\n")


def test_refresh_certs_swaps_the_certificate_for_new_connections_only(pki, live):
    with live_server(pki, live) as server:
        old = RawClient(tls_socket(server.port, pki.context()))
        assert peer_common_name(old.sock) == "server-a"
        assert old.request(b"set rot:k 0 0 3\r\nold\r\n") == b"STORED\r\n"
        replace_file(live["crt"], live["b_crt"])
        replace_file(live["key"], live["b_key"])
        assert old.request(b"refresh_certs\r\n") == b"OK\r\n"  # over TLS, as memcached's tests do
        assert presented(server, pki) == "server-b"
        assert old.request(b"get rot:k\r\n", b"END\r\n") == b"VALUE rot:k 0 3\r\nold\r\nEND\r\n"
        assert peer_common_name(old.sock) == "server-a"
        old.close()
        assert int(server_stats(server)["time_since_server_cert_refresh"]) <= 2
        assert refresh(server) == b"OK\r\n"  # over the UNIX socket too; noreply hides it:
        with server.connect("unix") as c:
            assert c.request(b"refresh_certs noreply\r\nversion\r\n").startswith(b"VERSION ")


def test_a_failed_refresh_keeps_serving_the_current_certificate_and_says_why(pki, live):
    with live_server(pki, live) as server:
        replace_file(live["crt"], live["b_crt"])  # server-b's certificate, server-a's key
        reply = refresh(server)
        assert reply.startswith(f"Error loading the key: {live['key']} : ".encode()), reply
        assert b"key values mismatch" in reply and reply.endswith(b"\r\n")
        assert presented(server, pki) == "server-a"
        replace_file(live["crt"], live["garbage"])
        reply = refresh(server)
        assert reply.startswith(f"Error loading the certificate chain: {live['crt']} : ".encode()), reply
        assert presented(server, pki) == "server-a"
        os.remove(live["crt"])
        assert refresh(server).startswith(b"Error loading the certificate chain: ")
        assert presented(server, pki) == "server-a"
        replace_file(live["crt"], live["b_crt"])
        replace_file(live["key"], live["b_key"])
        assert refresh(server) == b"OK\r\n"
        assert presented(server, pki) == "server-b"


def test_refresh_failures_are_worded_as_memcacheds(pki, live):
    args = ["-Z", "-o", f"ssl_chain_cert={live['crt']},ssl_key={live['key']}"]
    with live_server(pki, live) as ours, ServerProcess("memcached", args=args, unix=False) as theirs:
        def both():
            with ours.connect("unix") as a, RawClient(tls_socket(theirs.port, pki.context())) as b:
                return a.request(b"refresh_certs\r\n"), b.request(b"refresh_certs\r\n")
        ours_ok, theirs_ok = both()
        assert ours_ok == theirs_ok == b"OK\r\n"
        replace_file(live["crt"], live["garbage"])
        ours_reply, theirs_reply = both()
        assert ours_reply == theirs_reply
        assert ours_reply.startswith(b"Error loading the certificate chain: ")


def test_sighup_reloads_the_certificate_and_a_bad_one_is_logged_and_kept_out(pki, live):
    with live_server(pki, live) as server:
        replace_file(live["crt"], live["b_crt"])
        replace_file(live["key"], live["b_key"])
        os.kill(server.pid, signal.SIGHUP)
        wait_for(lambda: presented(server, pki) == "server-b", 10, "SIGHUP to load server-b")
        replace_file(live["crt"], live["garbage"])
        os.kill(server.pid, signal.SIGHUP)
        wait_for(lambda: "SIGHUP: Error loading the certificate chain" in server.log(), 10, "the failure logged")
        assert presented(server, pki) == "server-b"


def test_refresh_certs_without_tls_says_tls_is_off():
    with serving() as server:
        with server.connect("tcp") as c:
            assert c.request(b"refresh_certs\r\n") == b"Error TLS not enabled\r\n"
        assert "ssl_handshake_errors" not in server_stats(server)
        assert server_stats(server, "settings")["ssl_enabled"] == "no"


def test_tls_serving_helper_starts_with_server_a(pki):
    with tls_serving(pki) as server:
        assert presented(server, pki) == "server-a"
