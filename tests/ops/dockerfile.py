"""docker/Dockerfile read the way the builder reads it, for the checks that need no Docker
engine: stages, their instructions in order, and the argument lists of the exec forms."""

import json
import os
import re
import shlex

from harness import SOURCE_DIR

DOCKERFILE = os.path.join(SOURCE_DIR, "docker", "Dockerfile")


class Stage:
    def __init__(self, base, name):
        self.base = base
        self.name = name
        self.instructions = []  # [(KEYWORD, argument text)]

    def all(self, keyword):
        return [args for k, args in self.instructions if k == keyword]

    def one(self, keyword):
        found = self.all(keyword)
        assert len(found) == 1, f"stage {self.name}: {len(found)} {keyword} instructions"
        return found[0]

    def runs(self):
        return self.all("RUN")

    def apt_installs(self):
        """Packages named by `apt-get install` in this stage's RUN lines."""
        packages = []
        for run in self.runs():
            for command in re.split(r"&&|;|\|\|", run):
                words = shlex.split(command)
                if words[:2] == ["apt-get", "install"]:
                    packages += [w for w in words[2:] if not w.startswith("-")]
        return packages


def exec_form(args):
    """["a", "b"] as a list; a shell form as `sh -c` would get it."""
    args = args.strip()
    if args.startswith("["):
        return json.loads(args)
    return ["/bin/sh", "-c", args]


def logical_lines(path):
    """Lines with `\\` continuations joined; comment lines dropped, as the builder does."""
    out, pending = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            line = pending + line
            pending = ""
            if line.strip():
                out.append(line.strip())
    return out


def stages(path=DOCKERFILE):
    result = []
    for line in logical_lines(path):
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else None
            result.append(Stage(words[0], name))
        else:
            assert result, f"{path}: {keyword} before FROM"
            result[-1].instructions.append((keyword, args.strip()))
    return result


def stage(name, path=DOCKERFILE):
    (found,) = [s for s in stages(path) if s.name == name]
    return found


def healthcheck_command(args):
    """The CMD part of a HEALTHCHECK instruction, as an argument list."""
    options, _, command = args.partition("CMD ")
    assert command, f"HEALTHCHECK without CMD: {args}"
    return exec_form(command)
