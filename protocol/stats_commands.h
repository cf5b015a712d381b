// `stats` and its groups, and the item dumps (`stats cachedump`, `lru_crawler metadump`):
// memcached 1.6.18's names, order and values, for a memcached built without extstore, TLS or
// the proxy and run without slab reassignment, the LRU maintainer and the LRU crawler
// (memstripe has none of them, so their lines are absent as they are from such a
// memcached). Lines go to a StatSink; what ends a reply (END, RESET) is the encoder's.
#pragma once

#include <cstdint>
#include <functional>

#include "protocol/command_context.h"
#include "protocol/requests.h"
#include "protocol/stat_sink.h"
#include "storage/cache.h"

namespace memstripe::protocol {

enum class DumpStatus : std::uint8_t {
  kDone,
  kDisabled,     // -X
  kUnreadable,   // cachedump's arguments (DumpRequest::unreadable says how)
  kIllegalClass, // cachedump: an id memcached refuses and memstripe does not have
  kBadClassList, // metadump
};

class StatsCommands {
 public:
  explicit StatsCommands(CommandContext& context) noexcept : context_(context) {}

  // Reports the group's lines; `stats reset` resets instead, `detail` and unknown groups
  // report nothing.
  void report(const StatsRequest& request, StatSink& sink);

  // The items a dump lists, in the cache's order; `visit` returns false to stop (a reply
  // grown too long). Visited under a shard lock: it must not call the cache.
  DumpStatus dump(const DumpRequest& request, const std::function<bool(const storage::ItemInfo&)>& visit);

  // memcached numbers its slab classes from 1; memstripe's size classes from 0.
  static constexpr unsigned class_id(unsigned size_class) noexcept { return size_class + 1; }

 private:
  void general(StatSink& sink);
  void items(StatSink& sink);
  void slabs(StatSink& sink);
  void reset();

  CommandContext& context_;
};

}  // namespace memstripe::protocol
