"""-S: binary clients authenticate with SASL (Cyrus, configured as memcached configures it)
before any command reaches the cache, over TCP and the UNIX socket. memcached 1.6.18 with
the same configuration answers the same bytes (its CAS uniques and CRAM-MD5 challenges
aside)."""

import os
import shutil
import subprocess

import pytest

from binary_frames import frame, parse, set_extras
from harness import ServerProcess

PLAIN_OK = b"\0alice\0secret"
PLAIN_BAD = b"\0alice\0wrong"
END = 0xE0D


@pytest.fixture(scope="module")
def sasl_env(tmp_path_factory):
    """SASL_CONF_PATH to a memcached.conf over a sasldb holding alice (in this host's realm,
    which memcached's sasl_server_new() gives), and a MEMCACHED_SASL_PWDB for bob."""
    assert shutil.which("saslpasswd2"), "saslpasswd2 (sasl2-bin) is installed by make deps"
    d = tmp_path_factory.mktemp("sasl")
    sasldb = d / "memcached.sasldb"
    subprocess.run(["saslpasswd2", "-p", "-a", "memcached", "-c", "-f", str(sasldb), "alice"], input=b"secret",
                   check=True)
    (d / "memcached.conf").write_text(f"mech_list: plain cram-md5\nsasldb_path: {sasldb}\n")
    pwdb = d / "pwdb"
    pwdb.write_text("bob:hunter2\ncarol:x:extra\n")
    return {"SASL_CONF_PATH": str(d), "MEMCACHED_SASL_PWDB": str(pwdb)}


@pytest.fixture(scope="module")
def server(sasl_env):
    with ServerProcess("memstripe", ["-S"], env=sasl_env) as s:
        yield s


def fields(data):
    packets, rest = parse(data)
    assert rest == b""
    return [(p.opcode, p.status, p.key, p.value) for p in packets]


def exchange(client, frames):
    client.send(b"".join(frames) + frame("version", opaque=END))
    return fields(client.read_binary_until(END))


def test_a_command_before_authentication_is_refused_and_closes(server, transport):
    with server.connect(transport) as c:
        c.send(frame("set", "k", set_extras(), "v") + frame("noop"))
        assert fields(c.read_to_close()) == [(0x01, 0x20, b"", b"Auth failure.")]


def test_version_and_the_mechanisms_need_no_authentication(server, transport):
    with server.connect(transport) as c:
        replies = exchange(c, [frame("sasl_list_mechs")])
        assert replies[0][1] == 0 and set(replies[0][3].split()) == {b"PLAIN", b"CRAM-MD5"}
        assert replies[1][3] == b"1.6.18"


def test_plain_authenticates_and_then_commands_reach_the_cache(server, transport):
    with server.connect(transport) as c:
        replies = exchange(c, [frame("sasl_auth", "PLAIN", value=PLAIN_OK), frame("set", "k", set_extras(3), "v"),
                               frame("getk", "k")])
        assert replies[0] == (0x21, 0, b"", b"Authenticated")
        assert replies[1][1] == 0
        assert replies[2][1:] == (0, b"k", b"v")


def test_a_failed_authentication_is_counted_and_leaves_the_connection_open_but_unauthenticated(server, transport):
    with server.connect(transport) as admin:
        exchange(admin, [frame("sasl_auth", "PLAIN", value=PLAIN_OK)])

        def counters():
            stats = {k: v for _, _, k, v in exchange(admin, [frame("stat")])[:-2]}
            return int(stats[b"auth_cmds"]), int(stats[b"auth_errors"])

        before = counters()
        with server.connect(transport) as c:
            assert exchange(c, [frame("sasl_auth", "PLAIN", value=PLAIN_BAD)])[0] == (0x21, 0x20, b"", b"Auth failure.")
            c.send(frame("get", "k"))
            assert fields(c.read_to_close())[0][1] == 0x20
        assert counters() == (before[0] + 1, before[1] + 1)


def test_a_step_without_a_start_fails(server, transport):
    with server.connect(transport) as c:
        assert exchange(c, [frame("sasl_step", "PLAIN", value=PLAIN_OK)])[0][1] == 0x20


def test_cram_md5_completes_in_two_steps(server, transport):
    import hashlib
    import hmac
    with server.connect(transport) as c:
        challenge = exchange(c, [frame("sasl_auth", "CRAM-MD5")])[0]
        assert challenge[1] == 0x21 and challenge[3].startswith(b"<")
        digest = hmac.new(b"secret", challenge[3], hashlib.md5).hexdigest().encode()
        assert exchange(c, [frame("sasl_step", "CRAM-MD5", value=b"alice " + digest)])[0][1:] == (0, b"",
                                                                                                 b"Authenticated")


def test_memcacheds_own_password_file_checks_plain_passwords(server, transport):
    with server.connect(transport) as c:
        assert exchange(c, [frame("sasl_auth", "PLAIN", value=b"\0bob\0hunter2")])[0][1] == 0
    with server.connect(transport) as c:
        assert exchange(c, [frame("sasl_auth", "PLAIN", value=b"\0carol\0x")])[0][1] == 0
    with server.connect(transport) as c:
        assert exchange(c, [frame("sasl_auth", "PLAIN", value=b"\0bob\0hunter")])[0][1] == 0x20


def test_the_text_protocol_gets_no_answer_and_is_closed(server, transport):
    with server.connect(transport) as c:
        c.send(b"version\r\n" + b"get k " * 4)
        assert c.read_to_close() == b""


def test_stats_settings_show_sasl_on(server, transport):
    with server.connect(transport) as c:
        exchange(c, [frame("sasl_auth", "PLAIN", value=PLAIN_OK)])
        settings = {k: v for _, _, k, v in exchange(c, [frame("stat", "settings")])[:-2]}
        assert settings[b"auth_enabled_sasl"] == b"yes"
        assert settings[b"binding_protocol"] == b"binary"


def test_the_ascii_protocol_cannot_be_allowed_with_sasl(sasl_env):
    p = ServerProcess("memstripe", ["-S", "-B", "auto"], env=sasl_env)
    with pytest.raises(RuntimeError, match="cannot allow the ASCII protocol"):
        p.start(timeout=10)
    p.stop()


@pytest.mark.parametrize("case", ["refused", "authenticated", "wrong_password", "long_mechanism"])
def test_memcached_answers_the_same(sasl_env, case):
    frames = {
        "refused": [frame("noop"), frame("get", "k")],
        "authenticated": [frame("sasl_auth", "PLAIN", value=PLAIN_OK), frame("getk", "nope"), frame("quit")],
        "wrong_password": [frame("sasl_auth", "PLAIN", value=PLAIN_BAD), frame("version"), frame("noop")],
        "long_mechanism": [frame("sasl_auth", "P" * 33, value=b"x"), frame("version"), frame("get", "k")],
    }[case]
    answers = []
    for kind in ("memcached", "memstripe"):
        with ServerProcess(kind, ["-S"], unix=False, env=sasl_env) as s, s.connect("tcp") as c:
            c.send(b"".join(frames))
            answers.append(fields(c.read_to_close()))
    assert answers[1] == answers[0]
