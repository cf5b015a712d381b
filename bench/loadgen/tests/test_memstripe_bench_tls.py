"""memstripe-bench --tls end to end: against memstripe -Z (and Debian's memcached -Z, which
has TLS built in), with the certificates tests/server/tls_certificates.py makes. Replies are
checked as over plaintext; --connection-per-request makes a full handshake per request."""

import os
import subprocess

import pytest

from bench_run import BENCH, run_bench, server_kinds
from harness import ServerProcess
from tls_certificates import Authority


class Pki:
    def __init__(self, directory):
        self.ca = Authority(os.path.join(directory, "ca"))
        self.cert, self.key = self.ca.issue("server")
        self.client_cert, self.client_key = self.ca.issue("client", client=True)
        self.other_ca = Authority(os.path.join(directory, "other"), name="unrelated CA")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return Pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(scope="module", params=server_kinds())
def server(request, pki):
    # Client certificates required (ssl_verify_mode=2), so that --tls-cert is exercised too.
    suboptions = [f"ssl_chain_cert={pki.cert}", f"ssl_key={pki.key}", "ssl_verify_mode=2",
                  f"ssl_ca_cert={pki.ca.cert_path}"]
    with ServerProcess(request.param, args=["-t", "1", "-m", "64", "-Z", "-o", ",".join(suboptions)],
                       tcp=True, unix=False, debug_clock=False) as s:
        yield s


def bench(server, pki, *args, ca=None, expect_code=0):
    target = ["--tcp", f"127.0.0.1:{server.port}", "--tls", "--tls-ca", ca or pki.ca.cert_path,
              "--tls-cert", pki.client_cert, "--tls-key", pki.client_key]
    return run_bench(target, *args, expect_code=expect_code)


def assert_clean(result, at_least):
    assert result["errors"] == 0, result
    assert result["prefill_errors"] == 0, result
    assert result["error_kinds"]["unanswered"] == 0, result
    assert result["requests"] >= at_least, result
    assert result["hits"] == result["keys"], result  # prefilled: every get hits


def test_a_tls_run_is_checked_and_counted(server, pki):
    r = bench(server, pki, "-c", 8, "-k", 2000, "-n", 20000)
    assert_clean(r, 20000)
    assert r["requests"] == 20000 and r["gets"] + r["sets"] == 20000


def test_a_pipelined_tls_batch_is_checked(server, pki):
    r = bench(server, pki, "-c", 4, "-P", 16, "--batch", "-k", 2000, "-n", 40000, "-m", 3)
    assert_clean(r, 40000)


@pytest.mark.parametrize("version", ["1.2", "1.3"])
def test_a_connection_per_request_makes_a_handshake_each(server, pki, version):
    r = bench(server, pki, "-c", 2, "-k", 200, "-n", 200, "--connection-per-request", "--tls-version", version)
    assert_clean(r, 200)
    assert r["requests"] == 200


def test_a_server_the_ca_did_not_sign_is_refused(server, pki):
    proc = bench(server, pki, "-c", 1, "-n", 10, ca=pki.other_ca.cert_path, expect_code=1)
    assert "cannot connect" in proc.stderr


def test_tls_is_refused_on_the_unix_socket(pki):
    proc = subprocess.run([BENCH, "--unix", "/nonexistent", "--tls"], capture_output=True, text=True)
    assert proc.returncode == 2 and "UNIX socket is plaintext" in proc.stderr
