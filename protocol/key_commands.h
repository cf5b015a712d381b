// The commands that change one key's item in place or remove it: delete and md, incr,
// decr and ma, touch.
#pragma once

#include "protocol/command_context.h"
#include "protocol/requests.h"
#include "storage/cache.h"

namespace memstripe::protocol {

class KeyCommands {
 public:
  explicit KeyCommands(CommandContext& context) noexcept : context_(context) {}

  storage::RemoveStatus remove(const RemoveRequest& request);
  storage::ArithResult arithmetic(const ArithmeticRequest& request);
  // True when the item was there.
  bool touch(const TouchRequest& request);

 private:
  CommandContext& context_;
};

}  // namespace memstripe::protocol
