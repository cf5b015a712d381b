"""Reading conf/memstripe.service as systemd does, where the tests need it: its settings in
order (a key may repeat), ExecStart as an argument list, and the set of system calls its
SystemCallFilter= lines allow, expanded with systemd's own group lists."""

import os
import re
import shlex
import subprocess

from harness import SOURCE_DIR

UNIT = os.path.join(SOURCE_DIR, "conf", "memstripe.service")


def settings(path=UNIT):
    """[(section, key, value)] in file order; continuation lines joined."""
    out, section, pending = [], None, ""
    with open(path) as f:
        for raw in f:
            line = pending + raw.rstrip("\n")
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1]
                continue
            key, _, value = stripped.partition("=")
            out.append((section, key.strip(), value.strip()))
    return out


def values(key, section="Service", path=UNIT):
    return [v for s, k, v in settings(path) if s == section and k == key]


def exec_start(path=UNIT):
    (line,) = values("ExecStart", path=path)
    return shlex.split(line.lstrip("-@:+!"))


def syscall_groups():
    """{"@group": set of members}, members being syscalls or "@subgroups", as
    `systemd-analyze syscall-filter` lists them for this systemd."""
    text = subprocess.run(["systemd-analyze", "syscall-filter"], capture_output=True, text=True,
                          check=True).stdout
    groups, current = {}, None
    for line in text.splitlines():
        if re.match(r"^@[\w-]+$", line):
            current = groups.setdefault(line, set())
        elif line.startswith("    ") and current is not None:
            member = line.strip()
            if member and not member.startswith("#"):
                current.add(member)
        elif not line.strip():
            current = None
    return groups


def expand(name, groups):
    if not name.startswith("@"):
        return {name}
    out = set()
    for member in groups[name]:
        out |= expand(member, groups)
    return out


def allowed_syscalls(path=UNIT):
    """What the unit's SystemCallFilter= lines allow: the first line is an allow list,
    later lines add to it, or take away with `~` (systemd.exec(5))."""
    groups = syscall_groups()
    allowed = None
    for value in values("SystemCallFilter", path=path):
        deny = value.startswith("~")
        names = set()
        for word in value.lstrip("~").split():
            names |= expand(word, groups)
        if allowed is None:
            assert not deny, "the first SystemCallFilter= should be an allow list"
            allowed = names
        elif deny:
            allowed -= names
        else:
            allowed |= names
    assert allowed is not None, "the unit has no SystemCallFilter="
    return allowed
