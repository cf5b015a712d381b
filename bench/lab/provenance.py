"""What a result directory records of where it came from: the servers' versions and the
commit measured (bench/compare, compare-clients and compare-hits share these)."""

import os
import subprocess

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def version(binary, flag="-V"):
    """The first line of `binary flag`, else the binary's name."""
    try:
        out = subprocess.run([binary, flag], capture_output=True, text=True, timeout=10).stdout.strip()
        return out.splitlines()[0] if out else os.path.basename(binary)
    except (OSError, subprocess.TimeoutExpired):
        return os.path.basename(binary)


def commit():
    try:
        return subprocess.run(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip() or "?"
    except OSError:
        return "?"
