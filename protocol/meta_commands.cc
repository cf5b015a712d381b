// Placeholder until the meta protocol lands: memcached's answer to an unknown command.
#include "protocol/meta_commands.h"

#include "protocol/responses.h"

namespace memstripe::protocol {

void MetaCommands::execute(const Command& command, OutputQueue& out) {
  (void)command;
  out.append(reply::kError);
}

void MetaCommands::finish_store(storage::NewItem&& item, OutputQueue& out) {
  item.reset();
  out.append(reply::kError);
}

void MetaCommands::bad_data_chunk(OutputQueue& out) { out.append(reply::kBadDataChunk); }

}  // namespace memstripe::protocol
