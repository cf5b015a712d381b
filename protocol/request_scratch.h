// The requests a thread's sessions decode into: one of each wire format's. A session
// decodes and executes one command at a time and keeps nothing of it once process()
// returns (a value still arriving, and the reply its store owes, are its decoder's), so
// the sessions of one thread share these. An idle connection then holds no request
// (a MetaRequest alone is ~0.8 KB), and no read builds one either: building them per read
// cost an unpipelined get about 2 % more CPU.
#pragma once

#include "protocol/binary_request.h"
#include "protocol/meta_parser.h"
#include "protocol/text_request.h"

namespace memstripe::protocol {

struct RequestScratch {
  TextRequest text;
  MetaRequest meta;  // a meta line's parse, which text.meta points at while it runs
  BinaryRequest binary;
};

}  // namespace memstripe::protocol
