// The versions memstripe reports. `version` and `stats` give memcached's version number:
// clients parse it to pick protocol features, and memstripe speaks 1.6.18's protocol.
// memstripe's own version comes from the CMake project and is shown as an extra stat.
#pragma once

#include <string_view>

namespace memstripe::protocol {

inline constexpr std::string_view kMemcachedVersion = "1.6.18";

std::string_view memstripe_version() noexcept;

}  // namespace memstripe::protocol
