// The protocol of the do-nothing responders (memstripe-floor, memstripe-floor-uring):
// exactly what memstripe-bench sends, get with one or more keys and set, answered without
// storage. Every get hits with the same 32-byte value; every set is STORED.
#pragma once

#include <cstddef>
#include <string>

namespace memstripe::floor {

struct Client {
  std::string in;
  std::size_t skip = 0;  // bytes of a set's data block still to discard
};

// Answers every complete request in `c.in`, appending to `out`; keeps the incomplete rest.
void answer(Client& c, std::string& out);

// A listening socket, non-blocking: `kind` is --tcp (PORT on 127.0.0.1) or --unix (PATH).
// -1 on failure, with errno set.
int listen_on(const char* kind, const char* where);

}  // namespace memstripe::floor
