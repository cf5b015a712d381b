"""What the clients in other languages need before they run, built once: the Java driver
compiled against Debian's spymemcached, the Go driver built from Debian's gomemcache
sources, and a Node.js package's pinned modules installed with `npm ci`. The client suites
(conftest.py, test_gomemcache.py) and the client lab (bench/compare-clients) both build
through here. No network but npm's registry, and only for the pinned locks."""

import hashlib
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SPYMEMCACHED_JAR = "/usr/share/java/spymemcached.jar"  # libspymemcached-java
GOPATH = "/usr/share/gocode"  # golang-github-bradfitz-gomemcache-dev


def spy_classpath(directory):
    """java/SpyDriver.java compiled against Debian's spymemcached into `directory`: the
    classpath that runs it."""
    assert shutil.which("javac"), "javac (default-jdk-headless) is installed by make deps"
    assert os.path.exists(SPYMEMCACHED_JAR), "libspymemcached-java is installed by make deps"
    source = os.path.join(HERE, "java", "SpyDriver.java")
    subprocess.run(["javac", "-J-XX:TieredStopAtLevel=1", "-Xlint:all", "-Werror", "-cp", SPYMEMCACHED_JAR,
                    "-d", str(directory), source],
                   check=True, timeout=120)
    return f"{SPYMEMCACHED_JAR}:{directory}"


def go_driver(directory):
    """go/gomemcache_driver.go built into `directory` (which also holds the build cache)
    with GOPATH and no modules, so nothing is downloaded: the binary's path."""
    assert shutil.which("go"), "go (golang-go) is installed by make deps"
    assert os.path.isdir(os.path.join(GOPATH, "src/github.com/bradfitz/gomemcache/memcache")), \
        "golang-github-bradfitz-gomemcache-dev is installed by make deps"
    directory = os.path.abspath(str(directory))  # go wants an absolute GOCACHE
    env = {**os.environ, "GOPATH": GOPATH, "GO111MODULE": "off", "GOFLAGS": "", "GOPROXY": "off",
           "GOCACHE": os.path.join(str(directory), "cache")}
    binary = os.path.join(str(directory), "gomemcache_driver")
    subprocess.run(["go", "build", "-o", binary, os.path.join(HERE, "go", "gomemcache_driver.go")],
                   env=env, check=True, timeout=120)
    return binary


def npm_install(name, root):
    """Installs the Node.js package NAME/package-lock.json pins with `npm ci` into
    root/NAME, again only when the lock changed. Returns the node_modules directory, for
    NODE_PATH."""
    assert shutil.which("npm"), "npm is installed by make deps"
    package = os.path.join(HERE, name)
    target = os.path.join(root, name)
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(package, "package-lock.json"), "rb") as f:
        lock = hashlib.sha256(f.read()).hexdigest()
    stamp = os.path.join(target, "node_modules", ".memstripe-lock-sha256")
    if not os.path.exists(stamp) or open(stamp).read() != lock:
        for file in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(package, file), target)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
                       cwd=target, check=True, timeout=300)
        with open(stamp, "w") as f:
            f.write(lock)
    return os.path.join(target, "node_modules")
