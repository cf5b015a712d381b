"""The cache's upkeep on the server's main thread: expired items that nobody reads again
are reclaimed in the background, by slices every millisecond while clients are busy
(memcached's LRU maintainer cadence) or once a second with -o no_lru_maintainer. Time is
moved with -o debug_clock, never slept through."""

import pytest

from harness import wait_for
from server_helpers import serving, stats

EXPIRING = 300
LASTING = 20


@pytest.mark.parametrize("upkeep", [[], ["-o", "no_lru_maintainer"]], ids=["every-millisecond", "once-a-second"])
def test_expired_items_nobody_reads_are_reclaimed_in_the_background(upkeep):
    with serving(["-o", "debug_clock", *upkeep]) as server:
        with server.connect("tcp") as tcp, server.connect("unix") as unix:
            value = b"v" * 100
            for i in range(EXPIRING):
                assert tcp.request(b"set gone-%d 0 10 %d\r\n%s\r\n" % (i, len(value), value)) == b"STORED\r\n"
            for i in range(LASTING):
                assert unix.request(b"set kept-%d 0 0 %d\r\n%s\r\n" % (i, len(value), value)) == b"STORED\r\n"
            assert int(stats(tcp)["curr_items"]) == EXPIRING + LASTING
            assert tcp.request(b"debug_advance_clock 11\r\n") == b"OK\r\n"
            # Nothing reads the expired keys: only the sweep can take them out.
            wait_for(lambda: int(stats(unix)["curr_items"]) == LASTING, 20, "the sweep to reclaim the expired items")
            counters = stats(tcp)
            assert int(counters["expired_unfetched"]) == EXPIRING
            assert int(counters["reclaimed"]) == EXPIRING
            for i in range(LASTING):
                assert unix.request(b"get kept-%d\r\n" % i, b"END\r\n").startswith(b"VALUE kept-%d 0 100\r\n" % i)


@pytest.mark.parametrize("flag,shown", [([], "yes"), (["-o", "no_lru_maintainer"], "no")])
def test_stats_settings_shows_which_cadence_runs(flag, shown):
    with serving(flag) as server:
        with server.connect("unix") as c:
            assert stats(c, "settings")["lru_maintainer_thread"] == shown
