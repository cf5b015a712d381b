// The meta commands' replies, byte for byte as memcached 1.6.18 writes them
// (proto_text.c: process_mget_command() and its siblings). memcached walks the request's
// flags in order while it writes a reply, and some flags change the item as they are met
// (T and N set the TTL), so a `t` shows the TTL as it stands at its place in the request.
// The cache applies everything in one locked step; these writers replay the TTL's history
// from what the cache reports, to print what memcached prints.
#pragma once

#include "protocol/meta_parser.h"
#include "protocol/output_queue.h"
#include "protocol/text_request.h"
#include "storage/cache.h"

namespace memstripe::protocol {

// mg: a hit (VA or HD with the flags asked for) or a miss (EN, unless `q`).
void write_meta_get(const MetaRequest& request, const storage::ReadResult& found, const storage::Clock& clock,
                    OutputQueue& out);
// ms, once the value is stored; `shown` is the item when the reply echoes its key.
void write_meta_stored(const PendingStoreReply& reply, const storage::StoreResult& result,
                       const storage::ItemRef& shown, OutputQueue& out);
void write_meta_removed(const MetaRequest& request, storage::RemoveStatus status, OutputQueue& out);
void write_meta_arithmetic(const MetaRequest& request, const storage::ArithResult& result,
                           const storage::Clock& clock, OutputQueue& out);
// me.
void write_meta_debug(const storage::ItemDescription& found, const storage::Clock& clock, OutputQueue& out);

}  // namespace memstripe::protocol
