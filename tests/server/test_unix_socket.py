"""The UNIX socket: served alone (-s without -p or -l turns TCP off, as in memcached) or
beside TCP; made with the mode -a gives; a stale socket file is replaced, a live server's
is left alone; the file is removed when the server exits."""

import os
import socket
import stat

import pytest

from server_helpers import Started, tcp_listening_ports


def answers_version(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        s.sendall(b"version\r\n")
        return s.recv(100).startswith(b"VERSION ")
    finally:
        s.close()


def test_unix_socket_alone_turns_tcp_off(tmp_path):
    path = str(tmp_path / "alone.sock")
    with Started(["-s", path], tmp_path) as server:
        server.wait_until_listening()
        assert answers_version(path)
        assert server.tcp_ports() == []
        assert tcp_listening_ports(server.proc.pid) == set()


def test_unix_socket_with_an_explicit_port_serves_both(tmp_path):
    path = str(tmp_path / "both.sock")
    with Started(["-s", path, "-p", "-1"], tmp_path) as server:
        server.wait_until_listening()
        assert answers_version(path)
        [port] = server.tcp_ports()
        assert tcp_listening_ports(server.proc.pid) == {port}
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"version\r\n")
            assert s.recv(100).startswith(b"VERSION ")


def test_port_zero_with_a_unix_socket_serves_only_the_socket(tmp_path):
    path = str(tmp_path / "p0.sock")
    with Started(["-p", "0", "-l", "127.0.0.1", "-s", path], tmp_path) as server:
        server.wait_until_listening()
        assert answers_version(path)
        assert tcp_listening_ports(server.proc.pid) == set()


@pytest.mark.parametrize("mask,mode", [(None, 0o700), ("0660", 0o660), ("755", 0o755), ("0600", 0o600)])
def test_socket_file_has_the_mode_dash_a_gives(tmp_path, mask, mode):
    path = str(tmp_path / "mode.sock")
    args = ["-s", path] + (["-a", mask] if mask else [])
    with Started(args, tmp_path) as server:
        server.wait_until_listening()
        st = os.stat(path)
        assert stat.S_ISSOCK(st.st_mode)
        assert stat.S_IMODE(st.st_mode) == mode


def test_a_stale_socket_file_is_replaced(tmp_path):
    path = str(tmp_path / "stale.sock")
    # What a crashed server leaves: a socket file nobody listens on.
    left_over = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left_over.bind(path)
    left_over.close()
    assert os.path.exists(path)
    with Started(["-s", path], tmp_path) as server:
        server.wait_until_listening()
        assert answers_version(path)


def test_a_live_servers_socket_is_not_taken_over(tmp_path):
    path = str(tmp_path / "live.sock")
    first_dir = tmp_path / "first"
    second_dir = tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    with Started(["-s", path], first_dir) as first:
        first.wait_until_listening()
        with Started(["-s", path], second_dir) as second:
            assert second.proc.wait(20) != 0
            assert "another server is listening on " + path in second.log()
        assert answers_version(path)


def test_a_file_that_is_not_a_socket_is_left_alone(tmp_path):
    path = tmp_path / "precious.txt"
    path.write_text("keep me")
    with Started(["-s", str(path)], tmp_path) as server:
        assert server.proc.wait(20) != 0
        assert "is not a socket" in server.log()
    assert path.read_text() == "keep me"


def test_the_socket_file_is_removed_on_exit(tmp_path):
    path = str(tmp_path / "gone.sock")
    server = Started(["-s", path, "-p", "-1"], tmp_path)
    server.wait_until_listening()
    assert os.path.exists(path)
    assert server.stop() == 0
    assert not os.path.exists(path)


def test_a_socket_file_replaced_by_another_server_is_not_removed_on_exit(tmp_path):
    path = str(tmp_path / "moved.sock")
    server = Started(["-s", path], tmp_path)
    server.wait_until_listening()
    # Someone moved the socket away and another took its place: not ours to remove.
    os.rename(path, path + ".old")
    replacement = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    replacement.bind(path)
    try:
        assert server.stop() == 0
        assert os.path.exists(path)
    finally:
        replacement.close()
