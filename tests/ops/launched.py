"""memstripe started with a deployment's own command line (the systemd unit's ExecStart, the
image's ENTRYPOINT), mapped onto this machine: not the harness's test flags. Ready when
the port file names its TCP port (MEMCACHED_PORT_FILENAME, with -p -1) and its UNIX socket
accepts, a condition waited on."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile

from harness import RawClient, wait_for


class Launched:
    """`argv` may start with a wrapper (setpriv, strace) before the binary. `directory`
    holds the port file and the output; the caller puts the socket there too."""

    def __init__(self, argv, directory, socket_path):
        self.argv = list(argv)
        self.dir = directory
        self.socket_path = socket_path
        self.port_file = os.path.join(directory, "port")
        self.log_path = os.path.join(directory, "output")
        self.proc = None
        self.port = None

    @staticmethod
    def private_directory(prefix, mode=0o700):
        d = tempfile.mkdtemp(prefix=prefix)
        os.chmod(d, mode)
        return d

    def start(self, timeout=20):
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                         env=dict(os.environ, MEMCACHED_PORT_FILENAME=self.port_file),
                                         start_new_session=True)
        self.port = wait_for(self._port, timeout, f"{os.path.basename(self.argv[0])} to listen")
        wait_for(self._socket_accepts, timeout, "the UNIX socket to accept")
        return self

    def _port(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.argv[0]} exited with {self.proc.returncode}: {self.output()}")
        try:
            with open(self.port_file) as f:
                for line in f:
                    if line.startswith("TCP INET:"):
                        return int(line.split(":")[1])
        except OSError:
            pass
        return None

    def _socket_accepts(self):
        try:
            self.connect("unix").close()
            return True
        except OSError:
            return False

    def output(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def connect(self, transport):
        if transport == "tcp":
            s = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            try:
                s.connect(self.socket_path)
            except OSError:
                s.close()
                raise
        return RawClient(s)

    def daemon_pid(self):
        """The process that gets the stop signal: memstripe itself."""
        return self.proc.pid

    def stop(self, timeout=20):
        """SIGTERM to memstripe; returns the exit status."""
        os.kill(self.daemon_pid(), signal.SIGTERM)
        return self.proc.wait(timeout)

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        if os.environ.get("MEMSTRIPE_KEEP_TEST_DIRS") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
