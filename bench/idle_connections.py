#!/usr/bin/python3
"""Resident memory per idle client connection: RSS before and after opening N connections
that each sent one `get` and got its answer, to memstripe or memcached (-t 1).

    /usr/bin/python3 bench/idle_connections.py build/memstripe [N]
    /usr/bin/python3 bench/idle_connections.py /usr/bin/memcached [N]
"""
import os
import resource
import socket
import subprocess
import sys
import time


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) * 1024
    return 0


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
    port = 23000 + os.getpid() % 1000
    args = [binary, "-p", str(port), "-t", "1", "-c", str(count + 300)]
    if "memcached" in os.path.basename(binary):
        args += ["-U", "0"] + (["-u", "root"] if os.geteuid() == 0 else [])
    server = subprocess.Popen(args, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)  # a benchmark script: the server is given time to bind
        warm = open_clients(port, 200)  # the allocator's and the pools' first growth
        before = rss_bytes(server.pid)
        clients = open_clients(port, count)
        time.sleep(1.5)  # memstripe gives idle buffers back to its pools at once; settle
        after = rss_bytes(server.pid)
        print(f"{binary}: {(after - before) / count:.0f} bytes per idle connection ({count} connections)")
        for s in warm + clients:
            s.close()
    finally:
        server.kill()
        server.wait()


if __name__ == "__main__":
    main()
