"""memcached's binary protocol for the tests: request frames built from their fields, and
the response packets in a byte stream split back into theirs (doc/protocol-binary.txt)."""

import struct
from dataclasses import dataclass

REQUEST_MAGIC = 0x80
RESPONSE_MAGIC = 0x81
HEADER = struct.Struct(">BBHBBHIIQ")  # magic opcode keylen extlen datatype vbucket/status bodylen opaque cas

OP = dict(get=0x00, set=0x01, add=0x02, replace=0x03, delete=0x04, increment=0x05, decrement=0x06,
          quit=0x07, flush=0x08, getq=0x09, noop=0x0a, version=0x0b, getk=0x0c, getkq=0x0d,
          append=0x0e, prepend=0x0f, stat=0x10, setq=0x11, addq=0x12, replaceq=0x13, deleteq=0x14,
          incrementq=0x15, decrementq=0x16, quitq=0x17, flushq=0x18, appendq=0x19, prependq=0x1a,
          verbosity=0x1b, touch=0x1c, gat=0x1d, gatq=0x1e, sasl_list_mechs=0x20, sasl_auth=0x21,
          sasl_step=0x22, gatk=0x23, gatkq=0x24)


def frame(op, key=b"", extras=b"", value=b"", opaque=0, cas=0, magic=REQUEST_MAGIC, bodylen=None,
          keylen=None, extlen=None):
    """One request. The lengths follow the fields unless given (to build malformed ones)."""
    opcode = OP[op] if isinstance(op, str) else op
    if isinstance(key, str):
        key = key.encode()
    if isinstance(value, str):
        value = value.encode()
    body = extras + key + value
    return HEADER.pack(magic, opcode, len(key) if keylen is None else keylen,
                       len(extras) if extlen is None else extlen, 0, 0,
                       len(body) if bodylen is None else bodylen, opaque, cas) + body


def set_extras(flags=0, exptime=0):
    return struct.pack(">II", flags, exptime)


def arith_extras(delta=1, initial=0, exptime=0):
    return struct.pack(">QQI", delta, initial, exptime)


def exptime_extras(exptime):
    return struct.pack(">I", exptime)


@dataclass
class Packet:
    opcode: int
    status: int
    opaque: int
    cas: int
    extras: bytes
    key: bytes
    value: bytes

    @property
    def flags(self):
        return struct.unpack(">I", self.extras)[0] if len(self.extras) == 4 else None

    @property
    def number(self):
        return struct.unpack(">Q", self.value)[0]


def parse(data):
    """The whole packets at the start of `data`, and the bytes left after them."""
    packets = []
    while len(data) >= HEADER.size:
        magic, opcode, keylen, extlen, _, status, bodylen, opaque, cas = HEADER.unpack_from(data)
        assert magic == RESPONSE_MAGIC, f"response magic {magic:#x}"
        if len(data) < HEADER.size + bodylen:
            break
        body = data[HEADER.size:HEADER.size + bodylen]
        packets.append(Packet(opcode, status, opaque, cas, body[:extlen], body[extlen:extlen + keylen],
                              body[extlen + keylen:]))
        data = data[HEADER.size + bodylen:]
    return packets, data
