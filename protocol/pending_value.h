// A store whose header has been decoded and whose value is arriving: the item being filled
// (the command layer allocated it for the announced length), and what storing it needs
// once the value is whole. Each decoder keeps one, with its own wire format's reply info.
#pragma once

#include "storage/cache.h"
#include "storage/item.h"

namespace memstripe::protocol {

struct PendingValue {
  storage::NewItem item;
  storage::StoreMode mode = storage::StoreMode::kSet;
  storage::StoreOptions options;
  // False when the bytes that must follow the value did not (the text protocol's "\r\n"):
  // the value is dropped and answered as a bad data chunk.
  bool intact = true;
};

}  // namespace memstripe::protocol
