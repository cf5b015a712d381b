"""-R (memcached's reqs_per_event): a connection's turn runs at most -R requests, then it
yields to the other clients of its thread with the rest of its pipeline still buffered,
and gets another turn after them. Every request is still answered, in order, and the
yields are counted in `stats` as memcached counts them (conn_yields)."""

import os

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



@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_a_pipeline_held_back_by_unread_replies_resumes_when_they_are_read(transport):
    """Requests left buffered at the end of a turn wait while the client's unread replies
    are over the backpressure bound (2 MiB), and run again once it reads: 200 gets of a
    256 KiB value are 50 MiB of replies, far more than the bound and the kernel's buffers
    together, so the connection yields, stops, and must resume many times to answer all."""
    value = os.urandom(256 * 1024)
    with serving(["-t", "1", "-R", "1"]) as server:
        with server.connect(transport) as c:
            assert c.request(b"set big 0 0 %d\r\n%s\r\n" % (len(value), value)) == b"STORED\r\n"
            c.send(b"get big\r\n" * 200 + b"mn\r\n")
            reply = b"VALUE big 0 %d\r\n%s\r\nEND\r\n" % (len(value), value)
            for i in range(200):
                assert c.read_exact(len(reply)) == reply, f"reply {i}"
            assert c.read_line() == b"MN\r\n"
