#include "protocol/storage_commands.h"

#include <utility>

namespace memstripe::protocol {

storage::AllocResult StorageCommands::allocate(const StoreRequest& request) {
  return context_.cache.allocate(request.key, request.flags, request.exptime, request.value_length, request.alloc);
}

storage::StoreResult StorageCommands::store(storage::StoreMode mode, const storage::StoreOptions& options,
                                            storage::NewItem&& item) {
  return context_.cache.store(mode, std::move(item), options);
}

}  // namespace memstripe::protocol
