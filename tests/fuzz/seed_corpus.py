#!/usr/bin/python3
"""Writes the fuzz targets' seed corpus (corpus/<target>/seed-*) from the commands of the
protocol conformance test (tests/protocol/test_conformance.py): every case of at most
MAX_BYTES, whole, for the session and the text parser; its meta command lines for the meta
parser. Files a fuzzer found (crash-*, and what `make fuzz` merges in) are left alone.
Run it again when the conformance cases change."""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "protocol"))
import test_conformance as conformance  # noqa: E402

MAX_BYTES = 4096


def cases():
    for table in (conformance.CASES, conformance.META_CASES):
        for name, data in table.items():
            yield name, data
    for table in (conformance.CLOSING_CASES, conformance.SPLIT_CASES):
        for name, chunks in table.items():
            yield name, b"".join(chunks)
    for name, steps in conformance.META_STEP_CASES.items():
        yield name, b"".join(steps).replace(b"{cas0}", b"1")
    yield "sentinel", conformance.SENTINEL_SET


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "seed-" + name), "wb") as f:
        f.write(data)


def main():
    for name, data in cases():
        if len(data) > MAX_BYTES:
            continue
        write("session", name, data)
        write("text_parser", name, data)
        meta_lines = [line for line in data.split(b"\n") if line[:3] in (b"mg ", b"ms ", b"md ", b"ma ", b"me ")]
        if meta_lines:
            write("meta_parser", name, b"\n".join(meta_lines) + b"\n")
    # The binary protocol's cases, each as one stream of frames.
    for table in (conformance.BINARY_CASES, conformance.BINARY_CLOSING_CASES):
        for name, frames in table.items():
            data = b"".join(frames)
            if len(data) <= MAX_BYTES:
                write("binary_session", name, data)
    # Keys for `b`: base64 of several lengths, padded and not, and memcached's quirks.
    write("meta_parser", "base64_keys", b"mg Zm9v b v\r\nmg Zm8= b k\r\nms Zg== 1 b\r\nmd QQ==QUJD b q\r\n"
                                        b"ma YWJj b N0 J5\r\nme Zm9vYmFy b\r\nmg A=== b\r\n")


if __name__ == "__main__":
    main()
