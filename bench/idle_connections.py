#!/usr/bin/python3
"""Resident memory per idle client connection: RSS before and after opening N connections
that each sent one `get` and got its answer, to memstripe or memcached (-t 1). With --tls,
the server runs -Z and the connections are TLS ones (make compare-tls's measurement:
handshake done, one `version` answered).

    /usr/bin/python3 bench/idle_connections.py build/memstripe [N]
    /usr/bin/python3 bench/idle_connections.py /usr/bin/memcached [N]
    /usr/bin/python3 bench/idle_connections.py --tls build/memstripe /usr/bin/memcached
"""
import argparse
import os
import resource
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import tls  # noqa: E402
from lab.servers import Process  # noqa: E402


def open_clients(port, count):
    clients = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"get x\r\n")
        clients.append(s)
    for s in clients:
        s.recv(100)
    return clients


def plaintext(binary, kind, count):
    resource.setrlimit(resource.RLIMIT_NOFILE, (count + 1000, count + 1000))
    server = Process(kind, binary, ["tcp"], 1, 64, extra_args=["-c", str(count + 300)]).start()
    try:
        warm = open_clients(server.port, 200)  # the allocator's and the pools' first growth
        before = server.rss_bytes()
        clients = open_clients(server.port, count)
        time.sleep(1.5)  # a benchmark, not a test: let both servers settle before reading RSS
        after = server.rss_bytes()
        for s in warm + clients:
            s.close()
        return (after - before) / count
    finally:
        server.stop()


def over_tls(binary, kind, count, pki):
    server = tls.TlsProcess(kind, binary, pki, 1, 64).start()
    try:
        return tls.idle_memory(server, count)["bytes_per_connection"]
    finally:
        server.stop()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tls", action="store_true", help="-Z and TLS connections (default count 500)")
    p.add_argument("binaries", nargs="+", help="servers, measured in turn; a trailing number is the count")
    a = p.parse_args()
    count = int(a.binaries.pop()) if a.binaries[-1].isdigit() else (tls.IDLE_CONNECTIONS if a.tls else 5000)
    pki = tls.Pki(tempfile.mkdtemp(prefix="idle-connections-pki-")) if a.tls else None
    for binary in a.binaries:
        kind = "memcached" if "memcached" in os.path.basename(binary) else "memstripe"
        per_connection = over_tls(binary, kind, count, pki) if a.tls else plaintext(binary, kind, count)
        what = "idle TLS connection" if a.tls else "idle connection"
        print(f"{binary}: {per_connection:.0f} bytes per {what} ({count} connections)", flush=True)


if __name__ == "__main__":
    main()
