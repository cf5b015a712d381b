"""How many items a server holds in its memory limit: fill it with 14 B keys and 100 B
values until the first eviction, then read curr_items from `stats` and RSS from /proc."""

KEY_SIZE = 14
VALUE_SIZE = 100
BATCH = 2000


def _key(i):
    return b"m%013d" % i  # 14 bytes


def items_held(process, transport="tcp", value_size=VALUE_SIZE, limit=10_000_000):
    value = (b"v" * value_size) + b"\r\n"
    header = b" 0 0 %d\r\n" % value_size
    stored = 0
    with process.connect(transport, timeout=30) as client:
        s = client.sock  # replies are read by the line, through a buffered file
        rfile = s.makefile("rb")
        while stored < limit:
            batch = b"".join(b"set " + _key(stored + i) + header + value for i in range(BATCH))
            s.sendall(batch)
            for _ in range(BATCH):
                line = rfile.readline()
                if line != b"STORED\r\n":
                    raise RuntimeError(f"{process.kind}: set answered {line!r} after {stored} items")
            stored += BATCH
            stats = process.stats()
            if int(stats.get("evictions", 0)) > 0:
                break
        rfile.close()
    stats = process.stats()
    return {
        "key_size": KEY_SIZE,
        "value_size": value_size,
        "stored": stored,
        "curr_items": int(stats["curr_items"]),
        "evictions": int(stats.get("evictions", 0)),
        "limit_maxbytes": int(stats.get("limit_maxbytes", 0)),
        "rss_bytes": process.rss_bytes(),
    }
