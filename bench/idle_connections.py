#!/usr/bin/python3
"""Resident memory per idle client connection: RSS before and after opening N connections
that each sent one `get` and got its answer, to memstripe or memcached (-t 1).

    /usr/bin/python3 bench/idle_connections.py build/memstripe [N]
    /usr/bin/python3 bench/idle_connections.py /usr/bin/memcached [N]
"""
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
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


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    resource.setrlimit(resource.RLIMIT_NOFILE, (count + 1000, count + 1000))
    kind = "memcached" if "memcached" in os.path.basename(binary) else "memstripe"
    server = Process(kind, binary, ["tcp"], 1, 64, extra_args=["-c", str(count + 300)]).start()
    try:
        warm = open_clients(server.port, 200)  # the allocator's and the pools' first growth
        before = server.rss_bytes()
        clients = open_clients(server.port, count)
        time.sleep(1.5)  # a benchmark, not a test: let both servers settle before reading RSS
        after = server.rss_bytes()
        print(f"{binary}: {(after - before) / count:.0f} bytes per idle connection ({count} connections)")
        for s in warm + clients:
            s.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
