"""The clients of the client lab (bench/compare-clients): every memcached client the client
suites drive (tests/clients/), how each is started as a driver that runs the lab's timing
loop in its own language (the "bench" operation of each driver), and what the report says
about it: language, package and version, protocol, serialiser, transports, configuration.

A client is configured as its documentation recommends for an application: one persistent
client (connection) kept for the whole run, its default protocol unless it is the binary
variant, its own serialiser for a list of strings."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
CLIENTS_DIR = os.path.join(SOURCE_DIR, "tests", "clients")
sys.path.insert(0, CLIENTS_DIR)
import client_builds  # noqa: E402

PYTHON = "/usr/bin/python3"  # Debian's, which has the Python clients


@dataclass
class Client:
    name: str
    language: str
    package: str  # "deb:NAME" (dpkg) or "npm:DIR/NAME" (tests/clients/DIR/package-lock.json)
    protocol: str
    serialiser: str
    practice: str  # how it is configured, for the report
    transports: tuple = ("tcp", "unix")
    needs: str = ""  # a build step of Builds: "java", "go", "npm:DIR"
    argv: object = field(default=None, repr=False)  # (builds, server) -> (argv, env)

    def version(self):
        kind, _, name = self.package.partition(":")
        if kind == "deb":
            out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True)
            return out.stdout.strip() or "?"
        directory, _, module = name.partition("/")
        with open(os.path.join(CLIENTS_DIR, directory, "package-lock.json")) as f:
            lock = json.load(f)
        return lock.get("packages", {}).get(f"node_modules/{module}", {}).get("version", "?")


class Builds:
    """The drivers' build steps, each done once, into `directory`, when a client needs it."""

    def __init__(self, directory, npm_root):
        self.directory = directory
        self.npm_root = npm_root
        self.done = {}

    def get(self, need):
        if need not in self.done:
            if need == "java":
                os.makedirs(os.path.join(self.directory, "java"), exist_ok=True)
                self.done[need] = client_builds.spy_classpath(os.path.join(self.directory, "java"))
            elif need == "go":
                os.makedirs(os.path.join(self.directory, "go"), exist_ok=True)
                self.done[need] = client_builds.go_driver(os.path.join(self.directory, "go"))
            else:
                self.done[need] = client_builds.npm_install(need.split(":", 1)[1], self.npm_root)
        return self.done[need]


def python(client):
    return lambda builds, server: ([PYTHON, os.path.join(HERE, "python_driver.py"), client, server], {})


def php(script, *mode):
    path = os.path.join(CLIENTS_DIR, "php", script)
    return lambda builds, server: (["php", path, *mode, server], {})


def java(mode):
    return lambda builds, server: (["java", "-cp", builds.get("java"), "SpyDriver", mode, server], {})


def node(directory, script, link_socket=False):
    path = os.path.join(CLIENTS_DIR, directory, script)

    def argv(builds, server):
        if link_socket and server.startswith("/"):
            # node-memcached appends ":11211" to a server without a port, a socket's path
            # too: it reaches a socket through a path ending in ":11211" (its tests say so).
            link = server + ":11211"
            if not os.path.lexists(link):
                os.symlink(server, link)
            server = link
        return ["node", path, server], {"NODE_PATH": builds.get("npm:" + directory)}
    return argv


CLIENTS = [
    Client("pymemcache", "Python", "deb:python3-pymemcache", "text", "pickle",
           "Client, serde=pickle_serde (as Django's PyMemcacheCache), no_delay", argv=python("pymemcache")),
    Client("pylibmc (text)", "Python", "deb:python3-pylibmc", "text", "pickle",
           "pylibmc.Client, tcp_nodelay", argv=python("pylibmc-text")),
    Client("pylibmc (binary)", "Python", "deb:python3-pylibmc", "binary", "pickle",
           "pylibmc.Client(binary=True), tcp_nodelay", argv=python("pylibmc-binary")),
    Client("python-memcached", "Python", "deb:python3-memcache", "text", "pickle",
           "memcache.Client, its defaults", argv=python("python-memcached")),
    Client("php-memcached (text)", "PHP", "deb:php-memcached", "text", "PHP serialize",
           "Memcached, its defaults (libmemcached)", argv=php("memcached_driver.php", "text")),
    Client("php-memcached (binary)", "PHP", "deb:php-memcached", "binary", "PHP serialize",
           "Memcached, OPT_BINARY_PROTOCOL", argv=php("memcached_driver.php", "binary")),
    Client("php-memcache", "PHP", "deb:php-memcache", "text", "PHP serialize",
           "Memcache::addServer, not persistent (one connection for the run)", argv=php("memcache_driver.php")),
    Client("dalli", "Ruby", "deb:ruby-dalli", "binary", "Marshal",
           "Dalli::Client, its defaults", argv=lambda builds, server: (
               ["ruby", os.path.join(CLIENTS_DIR, "ruby", "dalli_driver.rb"), server], {})),
    Client("gomemcache", "Go", "deb:golang-github-bradfitz-gomemcache-dev", "text", "encoding/json",
           "memcache.New, Timeout 5 s (its idle pool keeps the connection)", needs="go",
           argv=lambda builds, server: ([builds.get("go"), server], {})),
    Client("spymemcached (text)", "Java", "deb:libspymemcached-java", "text", "Java serialisation",
           "DefaultConnectionFactory", transports=("tcp",), needs="java", argv=java("text")),
    Client("spymemcached (binary)", "Java", "deb:libspymemcached-java", "binary", "Java serialisation",
           "BinaryConnectionFactory", transports=("tcp",), needs="java", argv=java("binary")),
    Client("node-memcached", "Node.js", "npm:node_memcached/memcached", "text", "JSON",
           "new Memcached(server, {poolSize: 1})", needs="npm:node_memcached",
           argv=node("node_memcached", "memcached_driver.js", link_socket=True)),
    Client("memjs", "Node.js", "npm:memjs/memjs", "binary", "JSON",
           "memjs.Client.create, its defaults", transports=("tcp",), needs="npm:memjs",
           argv=node("memjs", "memjs_driver.js")),
]


def chosen(names):
    """The clients named in a comma-separated list (all of them for None)."""
    if not names:
        return CLIENTS
    wanted = [n.strip() for n in names.split(",")]
    picked = [c for c in CLIENTS if c.name in wanted or c.name.split(" ")[0] in wanted]
    unknown = [n for n in wanted if not any(c.name == n or c.name.split(" ")[0] == n for c in CLIENTS)]
    if unknown:
        raise SystemExit(f"compare-clients: unknown client(s) {unknown}; known: {[c.name for c in CLIENTS]}")
    return picked
