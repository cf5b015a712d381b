#include "server/tls_options.h"

namespace memstripe::server {

std::string_view tls_version_name(int version) noexcept {
  switch (version) {
    case kTlsVersion1_0: return "tlsv1.0";
    case kTlsVersion1_1: return "tlsv1.1";
    case kTlsVersion1_2: return "tlsv1.2";
    case kTlsVersion1_3: return "tlsv1.3";
    default: return "unknown";
  }
}

}  // namespace memstripe::server
