"""Under churn that never lets eviction stop (memstripe-soak: many clients on both
transports at once, random commands, values of 0 B to 1 MiB at -m 16), every value read
back is whole and the right key's, every reply is a possible one, no connection is
dropped, and memstripe's resident memory stays within -m + 10% + 16 MiB.
(`make soak` runs the same for minutes, and memcached beside it.)"""

import json
import os
import shutil

import pytest
import subprocess

from harness import SOURCE_DIR
from server_helpers import serving

MEMORY_MB = 16
SECONDS = 15
# The bound memstripe keeps at -m MEMORY_MB: the items' budget, 10% for what the budget
# does not count exactly (page tails, the index), 16 MiB for the rest of the process.
BOUND_KIB = int(MEMORY_MB * 1024 * 1.10) + 16 * 1024


def soak_binary():
    path = os.environ.get("MEMSTRIPE_SOAK_BIN") or os.path.join(SOURCE_DIR, "build", "memstripe-soak")
    if not os.path.exists(path):
        pytest.skip("memstripe-soak is not built")
    return path


def test_churn_over_both_transports_reads_back_only_whole_values_within_the_memory_bound(tmp_path):
    report_path = tmp_path / "soak.json"
    with serving(["-m", str(MEMORY_MB)]) as server:
        result = subprocess.run(
            [soak_binary(), "--tcp", f"127.0.0.1:{server.port}", "--unix", server.unix_path,
             "-c", "32", "-d", str(SECONDS), "--interval", "0.5", "--watch", f"memstripe={server.pid}",
             "--json", str(report_path), "-q"],
            capture_output=True, text=True, timeout=SECONDS + 120)
        report = json.loads(report_path.read_text())
    summary = result.stdout
    assert report["corrupt"] == 0, summary
    assert report["protocol_errors"] == 0, summary
    assert report["connection_errors"] == 0, summary
    assert result.returncode == 0, summary
    # Enough happened to mean something: far more written than -m holds, much read back.
    assert report["bytes_written"] > 20 * MEMORY_MB * 1024 * 1024, summary
    assert report["reads_checked"] > 1000, summary
    [rss] = report["rss"]
    assert len(rss["kib"]) >= SECONDS, summary
    assert rss["max_kib"] <= BOUND_KIB, summary
