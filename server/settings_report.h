// `stats settings`: the lines the server knows, in memcached 1.6.18's order and format.
// Pure: the caller gives the options and the live values, and receives name/value pairs.
#pragma once

#include <functional>
#include <string_view>

#include "server/options.h"

namespace memstripe::server {

using SettingSink = std::function<void(std::string_view name, std::string_view value)>;

// `verbosity` is the live level (the `verbosity` command changes it).
void report_settings(const ServerOptions& options, int verbosity, const SettingSink& emit);

}  // namespace memstripe::server
