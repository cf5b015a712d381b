"""Clients in other languages (Ruby, Node.js, PHP, Java), driven from the tests one call at
a time, so that every assertion lives in the Python test beside the server it talks to.

A driver program is a thin loop around one client library, started with the server's
address: it reads one request a line, a JSON array `[operation, arguments...]`, calls the
library and writes one line, `{"result": ...}` or `{"error": "..."}` (what the library
raised or reported). The operations are each driver's own, named after its library's API.
Every call has a deadline: a client that waits for an answer the server never sends fails
the test instead of hanging it."""

import json
import os
import selectors
import subprocess
import tempfile
import time


class DriverError(Exception):
    """The library reported an error: its message (an exception's class and text)."""


class ClientDriver:
    def __init__(self, argv, env=None, timeout=10, cwd=None):
        self.argv = list(argv)
        self.timeout = timeout
        # stderr goes to a file: a driver that dies says why in the failure message.
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, env={**os.environ, **(env or {})}, cwd=cwd)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.proc.stdout, selectors.EVENT_READ)
        self.pending = b""

    def call(self, operation, *args, timeout=None):
        """One library call; returns its result, or raises DriverError with its error."""
        request = json.dumps([operation, *args]) + "\n"
        try:
            self.proc.stdin.write(request.encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise AssertionError(f"{self.argv[0]} exited: {self.errors()}") from None
        reply = json.loads(self._read_line(timeout or self.timeout, operation))
        if "error" in reply:
            raise DriverError(reply["error"])
        return reply["result"]

    def error(self, operation, *args, timeout=None):
        """One library call that must fail: returns the error's text (DriverError's)."""
        try:
            result = self.call(operation, *args, timeout=timeout)
        except DriverError as e:
            return str(e)
        raise AssertionError(f"{operation}{list(args)} succeeded with {result!r}; an error was expected")

    def _read_line(self, timeout, operation):
        deadline = time.monotonic() + timeout
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                self.proc.kill()
                raise AssertionError(f"{operation}: no answer from the client in {timeout} s "
                                     f"(the library is waiting for the server?) {self.errors()}")
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                self.proc.wait()
                raise AssertionError(f"{operation}: {self.argv[0]} exited with "
                                     f"{self.proc.returncode}: {self.errors()}")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line

    def errors(self):
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")[-4000:]

    def finish(self):
        """Ends the driver's input: it finishes what it has and exits."""
        if not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except BrokenPipeError:
                pass

    def close(self):
        if self.stderr.closed:
            return
        self.finish()
        if self.proc.poll() is None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.selector.close()
        self.stderr.close()
