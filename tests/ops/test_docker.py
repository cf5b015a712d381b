"""docker/: what can be checked without a Docker engine. The build stage installs and builds
exactly as the Makefile does; the runtime stage ships every library the binary links and
nothing to build with; its ENTRYPOINT, run here, serves TCP and the socket in the volume;
the health checks, run here against live servers, tell a healthy server from a dead one;
compose.yaml is valid Compose and wires the services, images and socket volume together."""

import os
import re
import shutil
import subprocess

import pytest
import yaml

from dockerfile import DOCKERFILE, exec_form, healthcheck_command, stage, stages
from harness import SOURCE_DIR, ServerProcess, memstripe_binary
from launched import Launched

DOCKER_DIR = os.path.join(SOURCE_DIR, "docker")
COMPOSE = os.path.join(DOCKER_DIR, "compose.yaml")
IGNORE = os.path.join(DOCKER_DIR, "Dockerfile.dockerignore")
BASE_IMAGE = "debian:12"
# Nothing ever listens here: the loopback port a dead server would have.
DEAD_PORT = 1


def compose():
    with open(COMPOSE) as f:
        return yaml.safe_load(f)


def entrypoint():
    return exec_form(stage("runtime").one("ENTRYPOINT"))


def flag(argv, name):
    return argv[argv.index(name) + 1]


def packages_owning(path):
    """Debian packages that own `path` (trying the /usr-merged spellings too)."""
    real = os.path.realpath(path)
    candidates = [path, real]
    for p in (path, real):
        if p.startswith("/usr/lib/"):
            candidates.append(p[len("/usr"):])
        elif p.startswith("/lib/") or p.startswith("/lib64/"):
            candidates.append("/usr" + p)
    for candidate in candidates:
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return {line.split(":")[0] for line in result.stdout.splitlines() if ": /" in line}
    raise AssertionError(f"no Debian package owns {path}")


def linked_libraries(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    paths = []
    for line in out.splitlines():
        m = re.search(r"=>\s+(/\S+)", line) or re.match(r"\s*(/\S+)\s+\(", line)
        if m:
            paths.append(m.group(1))
        else:
            assert "vdso" in line, f"ldd: unresolved {line.strip()}"
    return paths


# --- the build ------------------------------------------------------------------------

def test_every_stage_starts_from_debian_12_or_another_stage():
    names = {s.name for s in stages()}
    for s in stages():
        assert s.base == BASE_IMAGE or s.base in names, f"stage {s.name} from {s.base}"


def test_build_stage_installs_with_the_ci_deps_script_and_builds_with_make_build():
    build = stage("build")
    runs = build.runs()
    deps = [i for i, r in enumerate(runs) if re.fullmatch(r"\.ci/deps build", r)]
    make = [i for i, r in enumerate(runs) if re.match(r"make\b.*\bbuild$", r)]
    assert deps and make and deps[0] < make[0], runs
    assert ".ci/deps .ci/deps" in build.all("COPY")
    # The Dockerfile's make, dry-run here: the Makefile's build recipe, without the
    # dependency step (done above with the build packages only).
    words = runs[make[0]].split()
    # As in the image: none of the Makefile's variables or an outer make's flags set.
    env = {k: v for k, v in os.environ.items()
           if k not in ("BUILD", "JOBS", "CONFIG", "CMAKE_FLAGS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    dry = subprocess.run([words[0], "-n", *words[1:]], cwd=SOURCE_DIR, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert "cmake --build build" in dry and ".ci/deps" not in dry, dry


def test_build_context_leaves_out_host_build_trees_and_git():
    with open(IGNORE) as f:
        patterns = {line.strip() for line in f if line.strip() and not line.startswith("#")}
    assert {"build", "build-*", ".git"} <= patterns, patterns
    for s in stages():
        for copy in s.all("COPY"):
            if not copy.startswith("--from="):
                source = copy.split()[0]
                assert source == "." or os.path.exists(os.path.join(SOURCE_DIR, source)), copy


# --- the runtime image ----------------------------------------------------------------

def test_runtime_is_the_default_target():
    assert stages()[-1].name == "runtime"


def test_runtime_stage_installs_every_library_memstripe_links_and_no_build_tools():
    installed = set(stage("runtime").apt_installs())
    needed = set()
    for path in linked_libraries(memstripe_binary()):
        needed |= packages_owning(path)
    assert needed <= installed, f"missing from the runtime image: {sorted(needed - installed)}"
    tools = {p for p in installed if p.endswith("-dev") or p in ("g++", "gcc", "clang", "cmake", "make")}
    assert tools == set()


def test_runtime_image_runs_memstripe_in_the_foreground_as_a_non_root_user():
    runtime = stage("runtime")
    argv = entrypoint()
    copied = [c.split() for c in runtime.all("COPY") if c.startswith("--from=build")]
    assert ["--from=build", "/src/build/memstripe", argv[0]] in copied
    user = runtime.one("USER")
    assert user not in ("root", "0")
    assert any(re.search(rf"\buseradd [^&;]*\b{user}\s*(&&|;|$)", run) for run in runtime.runs()), \
        f"no useradd for {user}"
    assert "-d" not in argv and "--daemon" not in argv
    assert flag(argv, "-l") == "0.0.0.0"
    assert "11211" in runtime.one("EXPOSE").split() and flag(argv, "-p") == "11211"


def test_runtime_socket_lives_in_a_volume_every_container_can_write():
    runtime = stage("runtime")
    volume = exec_form(runtime.one("VOLUME"))
    socket_dir = os.path.dirname(flag(entrypoint(), "-s"))
    assert volume == [socket_dir]
    assert any(f"install -d -m 1777 {socket_dir}" in run for run in runtime.runs())


@pytest.fixture
def entrypoint_daemon():
    """The image's ENTRYPOINT here: this build's binary, conf/memstripe.conf as
    /etc/memstripe.conf, the volume as a private directory, an ephemeral port."""
    directory = Launched.private_directory("memstripe-image-")
    argv = entrypoint()
    argv[0] = memstripe_binary()
    argv[argv.index("/etc/memstripe.conf")] = os.path.join(SOURCE_DIR, "conf", "memstripe.conf")
    socket_path = os.path.join(directory, os.path.basename(flag(argv, "-s")))
    argv[argv.index("-s") + 1] = socket_path
    argv[argv.index("-p") + 1] = "-1"
    daemon = Launched(argv, directory, socket_path)
    try:
        yield daemon.start()
    finally:
        daemon.cleanup()


def test_runtime_entrypoint_serves_tcp_and_the_socket_from_one_store(entrypoint_daemon):
    with entrypoint_daemon.connect("tcp") as tcp, entrypoint_daemon.connect("unix") as unix:
        assert tcp.request("set image-key 0 0 5\r\nhello\r\n") == b"STORED\r\n"
        assert unix.request("get image-key\r\n", b"END\r\n") == b"VALUE image-key 0 5\r\nhello\r\nEND\r\n"
    mode = os.stat(entrypoint_daemon.socket_path).st_mode & 0o777
    assert mode == int(flag(entrypoint(), "-a"), 8)
    assert entrypoint_daemon.stop() == 0, entrypoint_daemon.output()


def run_health(command, timeout=10):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout).returncode


def on_port(command, port):
    """A health check's command with the container's 11211 replaced by `port`."""
    return [part.replace("/11211", f"/{port}") for part in command]


def test_runtime_health_check_passes_on_a_live_server_and_fails_on_a_dead_one(entrypoint_daemon):
    command = healthcheck_command(stage("runtime").one("HEALTHCHECK"))
    assert "version" in " ".join(command)
    assert run_health(on_port(command, entrypoint_daemon.port)) == 0
    assert run_health(on_port(command, DEAD_PORT)) != 0


# --- compose.yaml -----------------------------------------------------------------------

def compose_command():
    """The Compose CLI here, to validate without an engine: the plugin or Debian's
    docker-compose (.ci/deps installs it)."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return ["docker", "compose"]
    assert shutil.which("docker-compose"), "no docker compose: .ci/deps installs docker-compose"
    return ["docker-compose"]


def test_compose_file_is_valid_compose():
    result = subprocess.run([*compose_command(), "-f", COMPOSE, "config", "-q"], capture_output=True,
                            text=True, cwd=DOCKER_DIR)
    assert result.returncode == 0, result.stderr


def test_compose_builds_each_service_from_a_stage_of_the_dockerfile():
    names = {s.name for s in stages()}
    for name, service in compose()["services"].items():
        build = service["build"]
        assert os.path.realpath(os.path.join(DOCKER_DIR, build["context"])) == SOURCE_DIR, name
        assert os.path.join(SOURCE_DIR, build["dockerfile"]) == DOCKERFILE, name
        assert build["target"] in names, name


def image_stages(target):
    """The stage and the stages it is built on."""
    by_name = {s.name: s for s in stages()}
    chain = [by_name[target]]
    while chain[-1].base in by_name:
        chain.append(by_name[chain[-1].base])
    return chain


def test_compose_shares_one_socket_volume_that_every_container_can_write():
    c = compose()
    assert "sockets" in c["volumes"]
    socket_dir = exec_form(stage("runtime").one("VOLUME"))[0]
    mounting = {name: s for name, s in c["services"].items()
                if any(v.split(":")[0] == "sockets" for v in s.get("volumes", []))}
    assert {"memstripe", "memcached-unix", "bench"} <= set(mounting)
    for name, service in mounting.items():
        assert f"sockets:{socket_dir}" in service["volumes"], name
        # A volume takes the mode of the directory it is first mounted over: each image
        # must make it writable for the others' users.
        runs = [r for s in image_stages(service["build"]["target"]) for r in s.runs()]
        assert any(f"install -d -m 1777 {socket_dir}" in r for r in runs), name
    unix_command = c["services"]["memcached-unix"]["command"]
    assert os.path.dirname(flag(unix_command, "-s")) == socket_dir
    assert "-p" not in unix_command  # -s alone: memcached serves the socket only


def compose_healthcheck(service):
    test = compose()["services"][service]["healthcheck"]["test"]
    assert test[0] == "CMD", test
    return [part.replace("$$", "$") for part in test[1:]]  # Compose's escape for a literal $


def test_every_server_service_has_a_health_check():
    c = compose()["services"]
    assert stage("runtime").all("HEALTHCHECK") and "healthcheck" not in c["memstripe"]
    for name in ("memcached", "memcached-unix"):
        assert "healthcheck" in c[name], name


def test_memcached_health_check_passes_on_a_live_server_and_fails_on_a_dead_one():
    command = compose_healthcheck("memcached")
    with ServerProcess("memcached", tcp=True, unix=False) as memcached:
        assert run_health(on_port(command, memcached.port)) == 0
    assert run_health(on_port(command, DEAD_PORT)) != 0


def test_memcached_unix_health_check_passes_on_a_live_socket_and_fails_on_a_dead_one(tmp_path):
    command = compose_healthcheck("memcached-unix")
    container_path = flag(compose()["services"]["memcached-unix"]["command"], "-s")
    assert container_path in command
    with ServerProcess("memcached", tcp=False, unix=True) as memcached:
        assert run_health([memcached.unix_path if p == container_path else p for p in command]) == 0
    dead = str(tmp_path / "no.sock")
    assert run_health([dead if p == container_path else p for p in command]) != 0


def test_bench_service_runs_bench_compare_with_flags_it_accepts():
    service = compose()["services"]["bench"]
    assert service["profiles"] == ["bench"]
    command = service.get("command") or exec_form(stage("bench").one("CMD"))
    script = next(p for p in command if p.endswith("bench/compare"))
    help_text = subprocess.run(["/usr/bin/python3", os.path.join(SOURCE_DIR, script), "--help"],
                               capture_output=True, text=True, check=True).stdout
    for option in (p for p in command if p.startswith("--")):
        assert option in help_text, f"bench/compare has no {option}"
    assert any(v.endswith(":/src/bench/results") for v in service["volumes"])
    assert stage("build").one("WORKDIR") == "/src"
