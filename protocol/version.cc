#include "protocol/version.h"

#ifndef MEMSTRIPE_VERSION
#error "MEMSTRIPE_VERSION is defined by protocol/CMakeLists.txt from the project version"
#endif

namespace memstripe::protocol {

std::string_view memstripe_version() noexcept { return MEMSTRIPE_VERSION; }

}  // namespace memstripe::protocol
