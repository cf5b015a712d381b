"""-p -1 takes a free port and, as memcached does, reports it through the file named by
MEMCACHED_PORT_FILENAME: "TCP INET: <port>" per IPv4 listener and "TCP INET6: <port>" per
IPv6 one, written to "<file>.lck" and renamed once every listener is up."""

import os
import re
import socket

import pytest

from server_helpers import Started, tcp_listening_ports


def has_ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def answers_version(address, family=socket.AF_INET):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(address)
        s.sendall(b"version\r\n")
        return s.recv(100).startswith(b"VERSION ")


def test_port_minus_one_writes_the_chosen_port_to_the_port_file(tmp_path):
    with Started(["-p", "-1", "-l", "127.0.0.1"], tmp_path) as server:
        server.wait_until_listening()
        with open(server.port_file) as f:
            content = f.read()
        assert re.fullmatch(r"TCP INET: \d+\n", content), content
        assert not os.path.exists(server.port_file + ".lck")
        [port] = server.tcp_ports()
        assert port != 0
        assert tcp_listening_ports(server.proc.pid) == {port}
        assert answers_version(("127.0.0.1", port))


@pytest.mark.skipif(not has_ipv6_loopback(), reason="no IPv6 loopback here")
def test_each_listen_address_gets_its_own_free_port_and_line(tmp_path):
    with Started(["-p", "-1", "-l", "127.0.0.1,[::1]"], tmp_path) as server:
        server.wait_until_listening()
        with open(server.port_file) as f:
            lines = f.read().splitlines()
        assert [line.split(":")[0] for line in lines] == ["TCP INET", "TCP INET6"]
        v4, v6 = server.tcp_ports()
        assert tcp_listening_ports(server.proc.pid) == {v4, v6}
        assert answers_version(("127.0.0.1", v4))
        assert answers_version(("::1", v6), socket.AF_INET6)


def test_an_address_with_its_own_port_keeps_it(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    with Started(["-p", "-1", "-l", f"127.0.0.1:{free}"], tmp_path) as server:
        server.wait_until_listening()
        assert server.tcp_ports() == [free]
        assert answers_version(("127.0.0.1", free))


def test_port_file_is_written_after_the_unix_socket_is_up(tmp_path):
    path = str(tmp_path / "s.sock")
    with Started(["-p", "-1", "-l", "127.0.0.1", "-s", path], tmp_path) as server:
        server.wait_until_listening()
        # The moment the port file exists, both transports answer.
        assert answers_version(path, socket.AF_UNIX)
        assert answers_version(("127.0.0.1", server.tcp_ports()[0]))


def test_a_port_in_use_is_an_error_at_startup(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with Started(["-p", str(port), "-l", "127.0.0.1"], tmp_path) as server:
            assert server.proc.wait(20) != 0
            assert f"failed to listen on 127.0.0.1:{port}" in server.log()
        assert not os.path.exists(server.port_file)
