"""Running as a daemon: -d detaches (the command returns once the daemon serves) and -P
records its pid; paths given relative keep working after it changes to /; -u hands the
socket and pid file to the user, then takes on its identity; -k locks memory."""

import os
import pwd
import signal

import pytest

from harness import ServerProcess, memstripe_binary, wait_for
from server_helpers import proc_status, run_to_exit, serving


def process_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    try:
        return proc_status(pid).get("State", "").split()[0] != "Z"
    except FileNotFoundError:
        return False


def answers_version(path):
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        s.connect(path)
        s.sendall(b"version\r\n")
        return s.recv(100).startswith(b"VERSION ")
    finally:
        s.close()


def test_dash_d_detaches_writes_the_pid_file_and_serves(tmp_path):
    pid_file = tmp_path / "memstripe.pid"
    sock = tmp_path / "d.sock"
    port_file = tmp_path / "port"
    result = run_to_exit(["-d", "-P", str(pid_file), "-s", str(sock), "-p", "-1", "-l", "127.0.0.1"],
                         env={"MEMCACHED_PORT_FILENAME": str(port_file)})
    # The command returns once the daemon is ready: the pid file and the port file exist.
    assert result.returncode == 0, result.stderr
    pid = int(pid_file.read_text())
    try:
        assert process_alive(pid)
        assert port_file.exists()
        assert answers_version(str(sock))
        assert os.readlink(f"/proc/{pid}/cwd") == "/"
        assert os.getsid(pid) == pid  # a session of its own: no controlling terminal
        assert os.readlink(f"/proc/{pid}/fd/0") == "/dev/null"
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not process_alive(pid), 20, "the daemon to exit")
    assert not pid_file.exists()
    assert not sock.exists()


def test_dash_d_with_relative_paths_keeps_them_after_changing_to_root(tmp_path):
    result = run_to_exit(["-d", "-P", "rel.pid", "-s", "rel.sock"], cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    pid = int((tmp_path / "rel.pid").read_text())
    try:
        assert answers_version(str(tmp_path / "rel.sock"))
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not process_alive(pid), 20, "the daemon to exit")
    assert not (tmp_path / "rel.sock").exists()
    assert not (tmp_path / "rel.pid").exists()


def test_dash_d_reports_a_startup_failure_in_the_foreground(tmp_path):
    not_a_socket = tmp_path / "file"
    not_a_socket.write_text("x")
    result = run_to_exit(["-d", "-s", str(not_a_socket), "-P", str(tmp_path / "p.pid")])
    assert result.returncode != 0
    assert "is not a socket" in result.stderr
    assert not (tmp_path / "p.pid").exists()


def test_pid_file_without_dash_d_holds_the_servers_pid(tmp_path):
    pid_file = tmp_path / "fg.pid"
    with serving(["-P", str(pid_file)]) as server:
        assert int(pid_file.read_text()) == server.pid


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def nobody():
    try:
        return pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody' here")


@needs_root
def test_running_as_root_without_dash_u_warns_and_serves():
    with serving() as server:
        with server.connect("unix") as c:
            assert c.request("version\r\n").startswith(b"VERSION ")
        assert "running as root without -u" in server.log()


@needs_root
def test_dash_u_hands_over_the_socket_and_pid_file_then_drops_root(tmp_path):
    user = nobody()
    os.chmod(tmp_path, 0o755)
    pid_file = tmp_path / "u.pid"
    with serving(["-u", "nobody", "-P", str(pid_file)]) as server:
        # The port file is written while still root (its directory is root's); the switch
        # follows at once.
        wait_for(lambda: proc_status(server.pid)["Uid"].split()[0] != "0", 10, "the switch to nobody")
        status = proc_status(server.pid)
        assert status["Uid"].split() == [str(user.pw_uid)] * 4
        assert status["Gid"].split() == [str(user.pw_gid)] * 4
        assert os.stat(server.unix_path).st_uid == user.pw_uid
        assert os.stat(pid_file).st_uid == user.pw_uid
        with server.connect("tcp") as c:
            assert c.request("version\r\n").startswith(b"VERSION ")


def test_dash_u_with_an_unknown_user_is_an_error():
    if os.geteuid() != 0:
        pytest.skip("-u only applies to root")
    server = ServerProcess("memstripe", args=["-u", "no-such-user-here"])
    with pytest.raises(RuntimeError, match="no-such-user-here"):
        server.start()
    server.stop()


def built_with_a_sanitizer():
    # ASan and TSan turn mlockall() into a no-op (locking their shadow memory would be ruinous).
    with open(memstripe_binary(), "rb") as f:
        binary = f.read()
    return b"__asan_init" in binary or b"__tsan_init" in binary


@needs_root
def test_dash_k_locks_memory():
    if built_with_a_sanitizer():
        pytest.skip("the sanitizers make mlockall() a no-op")
    with serving(["-k", "-m", "16"]) as server:
        locked_kb = int(proc_status(server.pid)["VmLck"].split()[0])
        assert locked_kb > 0
