#include "protocol/key_commands.h"

namespace memstripe::protocol {

storage::RemoveStatus KeyCommands::remove(const RemoveRequest& request) {
  return context_.cache.remove(request.key, request.options);
}

storage::ArithResult KeyCommands::arithmetic(const ArithmeticRequest& request) {
  return context_.cache.arithmetic(request.key, request.options);
}

bool KeyCommands::touch(const TouchRequest& request) {
  context_.stats.cmd_touch.add();
  return context_.cache.touch(request.key, request.exptime);
}

}  // namespace memstripe::protocol
