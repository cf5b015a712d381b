"""Helpers of the TLS tests: a memstripe with -Z on the harness's TCP port (its UNIX socket
stays plaintext, and is where the tests read `stats`), TLS clients over it, and the ports
of the port file (a notls: listener's among them). Waits poll a condition (wait_for)."""

import contextlib
import os
import socket

from harness import RawClient, connect_socket, wait_for
from server_helpers import serving, stats
from tls_certificates import Authority


class Pki:
    """A CA with one server certificate ("server-a") and one client certificate, in
    `directory`; a second CA that signed nothing the server has."""

    def __init__(self, directory):
        self.directory = str(directory)
        self.ca = Authority(self.directory)
        self.cert, self.key = self.ca.issue("server-a")
        self.client_cert, self.client_key = self.ca.issue("client-1", client=True)
        self.other_ca = Authority(os.path.join(self.directory, "other"), name="unrelated CA")

    def server_args(self, *extra_suboptions):
        suboptions = [f"ssl_chain_cert={self.cert}", f"ssl_key={self.key}", *extra_suboptions]
        return ["-Z", "-o", ",".join(suboptions)]

    def context(self, **kwargs):
        return self.ca.client_context(**kwargs)


@contextlib.contextmanager
def tls_serving(pki, *suboptions, args=()):
    """memstripe with -Z and the PKI's server certificate (and `suboptions`), stopped cleanly."""
    with serving([*pki.server_args(*suboptions), *args]) as server:
        yield server


def tcp_ports(server):
    """Every TCP port of the server's port file, in -l order (the harness's TLS one first)."""
    with open(os.path.join(server.dir, "port")) as f:
        return [int(line.split(":")[1]) for line in f if line.startswith("TCP ")]


def tls_socket(port, context, timeout=10):
    raw = connect_socket(("127.0.0.1", port), timeout)
    try:
        return context.wrap_socket(raw, server_hostname="localhost")
    except BaseException:
        raw.close()
        raise


def tls_client(server, context, timeout=10):
    """A RawClient speaking TLS to the server's first TCP port."""
    return RawClient(tls_socket(server.port, context, timeout))


def server_stats(server, which=""):
    """`stats` over the plaintext UNIX socket."""
    with server.connect("unix") as c:
        return stats(c, which)


def handshake_errors(server):
    return int(server_stats(server)["ssl_handshake_errors"])


def wait_for_handshake_errors(server, at_least, timeout=15):
    return wait_for(lambda: handshake_errors(server) >= at_least, timeout,
                    f"ssl_handshake_errors to reach {at_least}")


def closed_without_a_byte(sock, timeout=10):
    """True when the server closes `sock` (EOF or reset) having sent it nothing."""
    sock.settimeout(timeout)
    received = b""
    try:
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            received += chunk
    except (ConnectionResetError, BrokenPipeError):
        pass
    except socket.timeout:
        return False
    return received == b""
