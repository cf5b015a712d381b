"""-R (memcached's reqs_per_event): a connection's turn runs at most -R requests, then it
yields to the other clients of its thread with the rest of its pipeline still buffered,
and gets another turn after them. Every request is still answered, in order, and the
yields are counted in `stats` as memcached counts them (conn_yields)."""

import pytest

from server_helpers import serving, stats


def pipeline(count):
    """`count` requests of every kind, in one write, and the replies they must get."""
    requests, replies = [], []
    for i in range(count):
        key = b"turn-%d" % i
        requests.append(b"set %s 0 0 3\r\nv%02d\r\n" % (key, i % 100))
        replies.append(b"STORED\r\n")
        requests.append(b"get %s\r\n" % key)
        replies.append(b"VALUE %s 0 3\r\nv%02d\r\nEND\r\n" % (key, i % 100))
        requests.append(b"mg %s v q\r\n" % key)
        replies.append(b"VA 3\r\nv%02d\r\n" % (i % 100))
        requests.append(b"incr counter 1\r\n" if i else b"set counter 0 0 1 noreply\r\n0\r\n")
        replies.append(b"%d\r\n" % i if i else b"")
    requests.append(b"mn\r\n")
    replies.append(b"MN\r\n")
    return b"".join(requests), b"".join(replies)


@pytest.mark.parametrize("transport", ["tcp", "unix"])
@pytest.mark.parametrize("per_turn", [1, 2, 20])
def test_a_pipeline_longer_than_a_turn_is_answered_whole_and_in_order(transport, per_turn):
    with serving(["-t", "1", "-R", str(per_turn)]) as server:
        request, reply = pipeline(500)
        with server.connect(transport) as c:
            c.send(request)
            assert c.read_exact(len(reply)) == reply
            yields = int(stats(c)["conn_yields"])
        # 2,000 requests, at most -R a turn: the first read alone holds more than a turn.
        assert 1 <= yields <= 2000 // per_turn

