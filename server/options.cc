#include "server/options.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "server/config_file.h"
#include "storage/cache.h"

#ifndef MEMSTRIPE_VERSION
#define MEMSTRIPE_VERSION "0.0.0"
#endif

namespace memstripe::server {
namespace {

constexpr std::string_view kProgram = "memstripe";
// -l notls:<address>: a plaintext listener under -Z.
constexpr std::string_view kNoTlsPrefix = "notls:";

// Where a setting came from: a later source replaces what an earlier one accumulated
// (-l lists, -v levels) instead of adding to it.
enum class Source : std::uint8_t { kConfigFile, kCommandLine };

enum class Takes : std::uint8_t { kNothing, kValue };

// Every memcached 1.6 flag, so that an unsupported one is refused by its name rather
// than reported as unknown, plus memstripe's own long options.
struct Flag {
  char short_name;  // 0: long only
  std::string_view long_name;
  Takes takes;
  bool supported;
};

constexpr Flag kFlags[] = {
    {'p', "port", Takes::kValue, true},
    {'U', "udp-port", Takes::kValue, true},
    {'s', "unix-socket", Takes::kValue, true},
    {'a', "unix-mask", Takes::kValue, true},
    {'A', "enable-shutdown", Takes::kNothing, true},
    {'l', "listen", Takes::kValue, true},
    {'d', "daemon", Takes::kNothing, true},
    {'r', "enable-coredumps", Takes::kNothing, true},
    {'u', "user", Takes::kValue, true},
    {'m', "memory-limit", Takes::kValue, true},
    {'M', "disable-evictions", Takes::kNothing, true},
    {'c', "conn-limit", Takes::kValue, true},
    {'k', "lock-memory", Takes::kNothing, true},
    {'v', "verbose", Takes::kNothing, true},
    {'h', "help", Takes::kNothing, true},
    {'V', "version", Takes::kNothing, true},
    {'P', "pidfile", Takes::kValue, true},
    {'t', "threads", Takes::kValue, true},
    {'R', "max-reqs-per-event", Takes::kValue, true},
    {'C', "disable-cas", Takes::kNothing, true},
    {'b', "listen-backlog", Takes::kValue, true},
    {'B', "protocol", Takes::kValue, true},
    {'I', "max-item-size", Takes::kValue, true},
    {'o', "extended", Takes::kValue, true},
    {'F', "disable-flush-all", Takes::kNothing, true},
    {'X', "disable-dumping", Takes::kNothing, true},
    {0, "config", Takes::kValue, true},
    {0, "shards", Takes::kValue, true},
    {0, "logfile", Takes::kValue, true},
    {0, "syslog", Takes::kNothing, true},
    // memcached's, not memstripe's: refused by name.
    {'i', "license", Takes::kNothing, false},
    {'f', "slab-growth-factor", Takes::kValue, false},
    {'n', "slab-min-size", Takes::kValue, false},
    {'L', "enable-largepages", Takes::kNothing, false},
    {'D', "", Takes::kValue, false},
    {'S', "enable-sasl", Takes::kNothing, true},
    {'W', "disable-watch", Takes::kNothing, false},
    {'Y', "auth-file", Takes::kValue, true},
    {'e', "memory-file", Takes::kValue, true},
    {'Z', "enable-ssl", Takes::kNothing, true},
    {'N', "napi_ids", Takes::kValue, false},
};

const Flag* find_short(char c) {
  for (const Flag& f : kFlags) {
    if (f.short_name == c) return &f;
  }
  return nullptr;
}

const Flag* find_long(std::string_view name) {
  for (const Flag& f : kFlags) {
    if (!f.long_name.empty() && f.long_name == name) return &f;
  }
  return nullptr;
}

std::string flag_name(const Flag& f) {
  std::string name;
  if (f.short_name) name = std::string("-") + f.short_name;
  if (!f.long_name.empty()) {
    if (!name.empty()) name += "/";
    name += "--";
    name += f.long_name;
  }
  return name;
}

template <typename T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

unsigned round_up_to_power_of_two(unsigned n) {
  unsigned p = 1;
  while (p < n && p < kMaxShards) p <<= 1;
  return p;
}

// Applies flags from one source, getopt-style: "-vv", "-dM" and "-m64" bundle; "--name=v"
// and "--name v" both work.
class FlagParser {
 public:
  FlagParser(ServerOptions& options, Source source) : o_(options), source_(source) {}

  // Returns an error message or "".
  std::string apply(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      auto next_value = [&]() -> std::optional<std::string> {
        if (i + 1 < args.size()) return args[++i];
        return std::nullopt;
      };
      if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
        std::string_view body = std::string_view(arg).substr(2);
        std::optional<std::string> value;
        if (auto eq = body.find('='); eq != std::string_view::npos) {
          value = std::string(body.substr(eq + 1));
          body = body.substr(0, eq);
        }
        const Flag* flag = find_long(body);
        if (!flag) return std::string(kProgram) + ": unrecognized option '--" + std::string(body) + "'";
        if (flag->takes == Takes::kValue && !value) {
          value = next_value();
          if (!value) return std::string(kProgram) + ": option '--" + std::string(body) + "' requires an argument";
        } else if (flag->takes == Takes::kNothing && value) {
          return std::string(kProgram) + ": option '--" + std::string(body) + "' doesn't allow an argument";
        }
        if (std::string err = apply_flag(*flag, value.value_or("")); !err.empty()) return err;
        continue;
      }
      if (arg.size() < 2 || arg[0] != '-') {
        return std::string(kProgram) + ": unexpected argument '" + arg + "'";
      }
      for (std::size_t j = 1; j < arg.size(); ++j) {
        const Flag* flag = find_short(arg[j]);
        if (!flag) return std::string(kProgram) + ": invalid option -- '" + arg[j] + "'";
        std::string value;
        if (flag->takes == Takes::kValue) {
          if (j + 1 < arg.size()) {
            value = arg.substr(j + 1);
          } else if (auto v = next_value()) {
            value = *v;
          } else {
            return std::string(kProgram) + ": option requires an argument -- '" + arg[j] + "'";
          }
          j = arg.size();
        }
        if (std::string err = apply_flag(*flag, value); !err.empty()) return err;
      }
    }
    return {};
  }

 private:
  std::string bad(const Flag& f, std::string_view value, std::string_view expected) {
    return std::string(kProgram) + ": invalid value '" + std::string(value) + "' for " + flag_name(f) +
           " (" + std::string(expected) + ")";
  }

  std::string apply_flag(const Flag& f, const std::string& value) {
    if (!f.supported) {
      return std::string(kProgram) + ": " + flag_name(f) + " is a memcached option that memstripe does not support";
    }
    if (f.short_name == 0) return apply_long_only(f, value);
    switch (f.short_name) {
      case 'p': {
        auto port = parse_number<int>(value);
        if (!port || *port < -1 || *port > 65535) return bad(f, value, "a port from 0 to 65535, or -1 for any free port");
        o_.port = *port;
        o_.port_given = true;
        return {};
      }
      case 'U': {
        auto port = parse_number<int>(value);
        if (!port || *port != 0) return bad(f, value, "memstripe serves no UDP; only -U 0 is accepted");
        return {};
      }
      case 's':
        if (value.empty()) return bad(f, value, "a socket path");
        o_.unix_socket = value;
        return {};
      case 'a': {
        unsigned mask = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), mask, 8);
        if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || mask > 0777) {
          return bad(f, value, "an octal mode such as 0700");
        }
        o_.unix_mask = mask;
        return {};
      }
      case 'A':
        o_.shutdown_enabled = true;
        return {};
      case 'l': {
        auto list = parse_listen_list(value);
        if (!list) return bad(f, value, "comma-separated addresses: host, host:port, [ipv6] or [ipv6]:port");
        if (!listen_seen_) {
          o_.listen.clear();
          o_.listen_text.clear();
          listen_seen_ = true;
        }
        o_.listen.insert(o_.listen.end(), list->begin(), list->end());
        if (!o_.listen_text.empty()) o_.listen_text += ',';
        o_.listen_text += value;
        o_.listen_given = true;
        return {};
      }
      case 'd':
        o_.daemonize = true;
        return {};
      case 'r':
        o_.enable_coredumps = true;
        return {};
      case 'u':
        if (value.empty()) return bad(f, value, "a user name");
        o_.user = value;
        return {};
      case 'm': {
        auto mb = parse_number<std::size_t>(value);
        if (!mb) return bad(f, value, "megabytes");
        if (*mb > (storage::kMaxMemoryLimit >> 20)) {
          return std::string(kProgram) + ": -m " + value + " is more than memstripe's limit of " +
                 std::to_string(storage::kMaxMemoryLimit >> 20) + " megabytes";
        }
        o_.memory_limit_mb = *mb;
        return {};
      }
      case 'M':
        o_.evict_when_full = false;
        return {};
      case 'c': {
        auto n = parse_number<long long>(value);
        if (!n || *n <= 0) return std::string("Maximum connections must be greater than 0");
        o_.max_connections = static_cast<std::size_t>(*n);
        return {};
      }
      case 'k':
        o_.lock_memory = true;
        return {};
      case 'v':
        if (!verbosity_seen_) {
          o_.verbosity = 0;
          verbosity_seen_ = true;
        }
        ++o_.verbosity;
        return {};
      case 'h':
        o_.help = true;
        return {};
      case 'V':
        o_.version = true;
        return {};
      case 'P':
        if (value.empty()) return bad(f, value, "a file name");
        o_.pid_file = value;
        return {};
      case 't': {
        auto n = parse_number<long long>(value);
        if (!n || *n <= 0) return std::string("Number of threads must be greater than 0");
        if (*n > 1024) return bad(f, value, "at most 1024 threads");
        o_.threads = static_cast<unsigned>(*n);
        if (o_.threads > kThreadsWarningAbove) {
          o_.warnings.push_back(
              "WARNING: Setting a high number of worker threads is not recommended. Set this value "
              "to the number of cores in your machine or less.");
        }
        return {};
      }
      case 'R': {
        auto n = parse_number<long long>(value);
        if (!n || *n <= 0) return std::string("Number of requests per event must be greater than 0");
        o_.requests_per_event = static_cast<unsigned>(std::min<long long>(*n, std::numeric_limits<unsigned>::max()));
        return {};
      }
      case 'C':
        o_.use_cas = false;
        return {};
      case 'F':
        o_.flush_enabled = false;
        return {};
      case 'X':
        o_.dump_enabled = false;
        return {};
      case 'b': {
        auto n = parse_number<int>(value);
        if (!n || *n <= 0) return bad(f, value, "a positive backlog length");
        o_.backlog = *n;
        return {};
      }
      case 'S':
        o_.sasl = true;
        return {};
      case 'Z':
        o_.tls.enabled = true;
        return {};
      case 'Y':
        o_.auth_file = std::string(value);
        return {};
      case 'e':
        o_.memory_file = std::string(value);
        return {};
      case 'B':
        o_.binding_given = true;
        if (value == "auto") {
          o_.binding = protocol::Binding::kAuto;
        } else if (value == "ascii") {
          o_.binding = protocol::Binding::kAscii;
        } else if (value == "binary") {
          o_.binding = protocol::Binding::kBinary;
        } else {
          return bad(f, value, "auto, binary or ascii");
        }
        return {};
      case 'I': {
        auto size = parse_size(value);
        if (!size) return bad(f, value, "bytes, with an optional k or m suffix");
        o_.item_size_max = *size;
        return {};
      }
      case 'o':
        return apply_extended(value);
      default:
        return std::string(kProgram) + ": unhandled option " + flag_name(f);
    }
  }

  std::string apply_long_only(const Flag& f, const std::string& value) {
    if (f.long_name == "config") {
      if (source_ == Source::kConfigFile) return std::string(kProgram) + ": --config cannot appear in a config file";
      o_.config_file = value;
    } else if (f.long_name == "shards") {
      auto n = parse_number<unsigned>(value);
      if (!n || *n == 0 || *n > kMaxShards) {
        return bad(f, value, "from 1 to " + std::to_string(kMaxShards) + ", rounded up to a power of two");
      }
      o_.shards = round_up_to_power_of_two(*n);
    } else if (f.long_name == "logfile") {
      if (value.empty()) return bad(f, value, "a file name");
      o_.log_file = value;
    } else if (f.long_name == "syslog") {
      o_.syslog = true;
    }
    return {};
  }

  // -o: comma-separated `name` or `name=value`.
  std::string apply_extended(std::string_view list) {
    while (!list.empty()) {
      std::size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      if (item.empty()) continue;
      std::string_view name = item;
      std::optional<std::string_view> value;
      if (auto eq = item.find('='); eq != std::string_view::npos) {
        name = item.substr(0, eq);
        value = item.substr(eq + 1);
      }
      auto need_number = [&](unsigned& into) -> std::string {
        auto n = value ? parse_number<unsigned>(*value) : std::nullopt;
        if (!n) return std::string(kProgram) + ": -o " + std::string(name) + " takes a number: -o " + std::string(name) + "=N";
        into = *n;
        return {};
      };
      if (name == "idle_timeout") {
        if (std::string err = need_number(o_.idle_timeout); !err.empty()) return err;
      } else if (name == "hashpower") {
        if (std::string err = need_number(o_.hashpower); !err.empty()) return err;
        if (o_.hashpower > 32) return std::string(kProgram) + ": -o hashpower must be at most 32";
      } else if (name == "maxconns_fast" && !value) {
        // memcached's default: over the limit, reject at once. memstripe always does.
      } else if (name == "debug_clock" && !value) {
        o_.debug_clock = true;
      } else if ((name == "lru_maintainer" || name == "no_lru_maintainer") && !value) {
        o_.fast_maintenance = name == "lru_maintainer";
      } else if (name == "eviction") {
        if (value == storage::eviction_policy_name(storage::EvictionPolicy::kClock)) {
          o_.eviction = storage::EvictionPolicy::kClock;
        } else if (value == storage::eviction_policy_name(storage::EvictionPolicy::kS3Fifo)) {
          o_.eviction = storage::EvictionPolicy::kS3Fifo;
        } else {
          return std::string(kProgram) + ": -o eviction takes clock or s3fifo";
        }
      } else if (name.starts_with("ssl_")) {
        if (std::string err = apply_tls(name, value); !err.empty()) return err;
      } else {
        return "Illegal suboption \"" + std::string(item) + "\" (memstripe supports -o idle_timeout=N, "
               "hashpower=N, maxconns_fast, lru_maintainer, no_lru_maintainer, eviction=clock|s3fifo, debug_clock, "
               "ssl_chain_cert=FILE, "
               "ssl_key=FILE, ssl_keyformat=N, ssl_verify_mode=N, ssl_ciphers=LIST, ssl_ca_cert=FILE, "
               "ssl_wbuf_size=KB, ssl_session_cache, ssl_kernel_tls, ssl_min_version=N)";
      }
    }
    return {};
  }

  // -o ssl_*: memcached 1.6.18's checks and messages (memcached.c, the SSL_* suboptions).
  std::string apply_tls(std::string_view name, std::optional<std::string_view> value) {
    TlsOptions& t = o_.tls;
    const std::string missing = "Missing " + std::string(name) + " argument";
    const std::string unparsable = "could not parse argument to " + std::string(name);
    // memcached's safe_strtol: a whole decimal number.
    auto integer = [&]() { return parse_number<int>(*value); };
    if (name == "ssl_session_cache") {
      t.session_cache = true;  // memcached ignores a value
      return {};
    }
    if (name == "ssl_kernel_tls") {
      t.kernel_tls = true;
      return {};
    }
    const bool known = name == "ssl_chain_cert" || name == "ssl_key" || name == "ssl_verify_mode" ||
                       name == "ssl_keyformat" || name == "ssl_ciphers" || name == "ssl_ca_cert" ||
                       name == "ssl_wbuf_size" || name == "ssl_min_version";
    if (!known) return "Illegal suboption \"" + std::string(name) + "\"";
    if (!value) return missing;
    if (name == "ssl_chain_cert") {
      t.chain_cert = std::string(*value);
    } else if (name == "ssl_key") {
      t.key = std::string(*value);
    } else if (name == "ssl_ciphers") {
      t.ciphers = std::string(*value);
    } else if (name == "ssl_ca_cert") {
      t.ca_cert = std::string(*value);
    } else if (name == "ssl_keyformat") {
      auto n = integer();
      if (!n) return unparsable;
      t.key_format = *n;
    } else if (name == "ssl_verify_mode") {
      auto n = integer();
      if (!n) return unparsable;
      switch (*n) {
        case 0: t.verify_mode = 0; break;
        case 1: t.verify_mode = kVerifyPeer; break;
        case 2: t.verify_mode = kVerifyPeer | kVerifyFailIfNoPeerCert; break;
        case 3: t.verify_mode = kVerifyPeer | kVerifyFailIfNoPeerCert | kVerifyClientOnce; break;
        default: return "Invalid ssl_verify_mode. Use help to see valid options.";
      }
    } else if (name == "ssl_min_version") {
      auto n = integer();
      if (!n) return unparsable;
      switch (*n) {
        case 0: t.min_version = kTlsVersion1_0; break;
        case 1: t.min_version = kTlsVersion1_1; break;
        case 2: t.min_version = kTlsVersion1_2; break;
        case 3: t.min_version = kTlsVersion1_3; break;
        default: return "Invalid ssl_min_version. Use help to see valid options.";
      }
    } else {  // ssl_wbuf_size, in kilobytes
      auto kb = parse_number<unsigned>(*value);
      if (!kb) return unparsable;
      if (*kb == 0 || *kb > kMaxTlsWriteBufferKb) {
        return std::string(kProgram) + ": -o ssl_wbuf_size must be from 1 to " + std::to_string(kMaxTlsWriteBufferKb) +
               " (kilobytes)";
      }
      t.write_buffer = *kb * 1024;
    }
    return {};
  }

  ServerOptions& o_;
  Source source_;
  bool listen_seen_ = false;
  bool verbosity_seen_ = false;
};

ParseResult apply_config_lines(const std::vector<ConfigLine>& lines, std::string_view name, ServerOptions base) {
  ParseResult result{std::move(base), {}};
  FlagParser parser(result.options, Source::kConfigFile);
  for (const ConfigLine& line : lines) {
    std::string where = std::string(name) + ":" + std::to_string(line.number) + ": ";
    if (line.directive) {
      if (line.words[0] != "logfile") {
        result.error = where + "unknown directive '" + line.words[0] + "' (a line is a flag such as -m 64, or logfile PATH)";
        return result;
      }
      if (line.words.size() < 2) {
        result.error = where + "logfile needs a file name";
        return result;
      }
      result.options.log_file = line.words[1];
      continue;
    }
    const std::string& first = line.words.front();
    // A file is not a terminal: asking it for help or a version is a mistake.
    if (first == "-h" || first == "--help" || first == "-V" || first == "--version") {
      result.error = where + first + " has no meaning in a config file";
      return result;
    }
    if (std::string err = parser.apply(line.words); !err.empty()) {
      result.error = where + err;
      return result;
    }
  }
  return result;
}

}  // namespace

unsigned ServerOptions::shard_count() const noexcept {
  if (shards != 0) return shards;
  unsigned wanted = std::max(16u, 4u * threads);
  return round_up_to_power_of_two(wanted);
}

std::optional<std::size_t> parse_size(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t multiplier = 1;
  char last = text.back();
  if (last == 'k' || last == 'K') {
    multiplier = 1024;
    text.remove_suffix(1);
  } else if (last == 'm' || last == 'M') {
    multiplier = 1024 * 1024;
    text.remove_suffix(1);
  }
  auto n = parse_number<std::size_t>(text);
  if (!n || *n > std::numeric_limits<std::size_t>::max() / multiplier) return std::nullopt;
  return *n * multiplier;
}

std::optional<std::vector<ListenAddress>> parse_listen_list(std::string_view text) {
  std::vector<ListenAddress> out;
  if (text.empty()) return std::nullopt;
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view entry = text.substr(0, comma);
    if (entry.empty()) return std::nullopt;
    ListenAddress address;
    if (entry.starts_with(kNoTlsPrefix)) {
      address.notls = true;
      entry.remove_prefix(kNoTlsPrefix.size());
      if (entry.empty()) return std::nullopt;
    }
    std::string_view port_text;
    if (entry.front() == '[') {
      std::size_t close = entry.find(']');
      if (close == std::string_view::npos || close == 1) return std::nullopt;
      address.host = std::string(entry.substr(1, close - 1));
      std::string_view rest = entry.substr(close + 1);
      if (!rest.empty()) {
        if (rest.front() != ':') return std::nullopt;
        port_text = rest.substr(1);
        if (port_text.empty()) return std::nullopt;
      }
    } else if (std::count(entry.begin(), entry.end(), ':') > 1) {
      address.host = std::string(entry);  // a bare IPv6 literal
    } else if (std::size_t colon = entry.find(':'); colon != std::string_view::npos) {
      address.host = std::string(entry.substr(0, colon));
      port_text = entry.substr(colon + 1);
      if (address.host.empty() || port_text.empty()) return std::nullopt;
    } else {
      address.host = std::string(entry);
    }
    if (!port_text.empty()) {
      auto port = parse_number<int>(port_text);
      if (!port || *port < 0 || *port > 65535) return std::nullopt;
      address.port = *port;
    }
    out.push_back(std::move(address));
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  return out;
}

ParseResult parse_arguments(const std::vector<std::string>& args, ServerOptions base) {
  ParseResult result{std::move(base), {}};
  FlagParser parser(result.options, Source::kCommandLine);
  result.error = parser.apply(args);
  return result;
}

ParseResult parse_config_text(std::string_view text, std::string_view name, ServerOptions base) {
  return apply_config_lines(split_config_text(text), name, std::move(base));
}

std::string validate(ServerOptions& o) {
  // memcached's checks, in memcached's order and words.
  if (o.item_size_max > o.memory_limit_bytes() / 2) {
    return "Cannot set item size limit higher than 1/2 of memory max.";
  }
  if (o.item_size_max < storage::kMinItemSizeMax) {
    return "Item max size cannot be less than 1024 bytes.";
  }
  if (o.item_size_max > kMaxItemSizeMax) {
    return "Cannot set item size limit higher than a gigabyte.";
  }
  // memcached: -S speaks only the binary protocol and -Y only the text one, each the
  // default once given. memstripe takes both at once: each protocol then authenticates its
  // own way, and the first byte of a connection picks it.
  if (o.sasl && !o.auth_file.empty()) {
    if (!o.binding_given) o.binding = protocol::Binding::kAuto;
  } else if (o.sasl) {
    if (!o.binding_given) {
      o.binding = protocol::Binding::kBinary;
    } else if (o.binding != protocol::Binding::kBinary) {
      return "ERROR: You cannot allow the ASCII protocol while using SASL.";
    }
  } else if (!o.auth_file.empty()) {
    if (!o.binding_given) {
      o.binding = protocol::Binding::kAscii;
    } else if (o.binding != protocol::Binding::kAscii) {
      return "ERROR: You cannot allow the BINARY protocol while using ascii authentication tokens.";
    }
  }
  if (o.serves_tcp()) {
    for (const ListenAddress& a : o.listen) {
      if (a.host.empty()) return std::string(kProgram) + ": -l has an empty address";
      if (a.notls && !o.tls.enabled) return "'notls' option is valid only when SSL is enabled";
    }
  }
  if (o.tls.enabled && !o.serves_tcp()) return "ERROR: You cannot enable SSL without a TCP port.";
  return {};
}

ParseResult load_options(const std::vector<std::string>& args, FileReader read_file) {
  // Find --config first: the file is the base the other arguments override.
  ParseResult first = parse_arguments(args);
  if (!first.ok()) return first;
  if (first.options.help || first.options.version) return first;

  ParseResult result;
  if (!first.options.config_file.empty()) {
    const std::string& path = first.options.config_file;
    std::optional<std::string> text = read_file(path);
    if (!text) {
      result.error = std::string(kProgram) + ": cannot read config file '" + path + "'";
      return result;
    }
    result = parse_config_text(*text, path);
    if (!result.ok()) return result;
    result.options.config_file = path;
    result = parse_arguments(args, std::move(result.options));
    if (!result.ok()) return result;
  } else {
    result = std::move(first);
  }
  result.error = validate(result.options);
  return result;
}

std::string version_text() {
  // Appended piece by piece: GCC 12's link-time optimiser warns (wrongly) about the
  // operator+ of a literal.
  std::string text(kProgram);
  text += ' ';
  text += MEMSTRIPE_VERSION;
  text += '\n';
  return text;
}

std::string usage_text() {
  return version_text() +
         "An in-memory cache speaking memcached's text, meta and binary protocols over TCP and a UNIX\n"
         "socket at the same time. Flags are memcached 1.6's.\n"
         "-p, --port=<num>          TCP port to listen on (default: 11211; 0 off, -1 any free port)\n"
         "-l, --listen=<addr>       interfaces to listen on, comma-separated; host, host:port,\n"
         "                          [ipv6] or [ipv6]:port (default: 127.0.0.1); with -Z, the\n"
         "                          prefix notls: serves one in plaintext (-l notls:<ip>:<port>)\n"
         "-s, --unix-socket=<file>  UNIX socket to listen on; alone it turns TCP off, with an\n"
         "                          explicit -p or -l both are served\n"
         "-a, --unix-mask=<mask>    access mode of the UNIX socket, in octal (default: 700)\n"
         "-U, --udp-port=<num>      only 0 is accepted: memstripe serves no UDP\n"
         "-m, --memory-limit=<num>  item memory in megabytes (default: 64)\n"
         "-M, --disable-evictions   return an error on memory exhausted instead of evicting\n"
         "-I, --max-item-size=<num> largest item, k or m suffix (default: 1m, min: 1k, max: 1024m)\n"
         "-C, --disable-cas         disable use of CAS\n"
         "-c, --conn-limit=<num>    most simultaneous client connections (default: 1024)\n"
         "-t, --threads=<num>       worker threads, each with its own event loop (default: 4)\n"
         "-R, --max-reqs-per-event  requests served per connection before the others get a turn\n"
         "                          (default: 20)\n"
         "-b, --listen-backlog=<num> listen backlog (default: 1024)\n"
         "-B, --protocol=<name>     auto (the first byte decides), ascii or binary\n"
         "-Y, --auth-file=<file>    text clients authenticate first with a `set` whose value is\n"
         "                          \"user password\", checked against FILE's user:password lines\n"
         "-S, --enable-sasl         binary clients authenticate with SASL first (Cyrus SASL,\n"
         "                          application name memcached; SASL_CONF_PATH, MEMCACHED_SASL_PWDB)\n"
         "-Z, --enable-ssl          TLS on every TCP listener but the notls: ones (the UNIX socket\n"
         "                          stays plaintext); needs -o ssl_chain_cert and ssl_key\n"
         "-e, --memory-file=<file>  item memory in <file> (on tmpfs): a restart on the same file\n"
         "                          and settings serves its items again, after a graceful stop\n"
         "                          (SIGTERM, SIGUSR1, shutdown graceful) or a crash\n"
         "-A, --enable-shutdown     enable the text protocol's \"shutdown\" command\n"
         "-F, --disable-flush-all   disable flush_all\n"
         "-X, --disable-dumping     disable stats cachedump and lru_crawler metadump\n"
         "-d, --daemon              run as a daemon\n"
         "-P, --pidfile=<file>      save the PID in <file>\n"
         "-u, --user=<user>         drop root privileges to <user> once the sockets are bound\n"
         "-k, --lock-memory         lock down all paged memory\n"
         "-r, --enable-coredumps    maximize the core file limit\n"
         "-v, --verbose             verbose (-vv: very verbose)\n"
         "-o, --extended            comma-separated: idle_timeout=<seconds>, hashpower=<n>,\n"
         "                          maxconns_fast, no_lru_maintainer (upkeep once a\n"
         "                          second only), debug_clock (tests only), and for -Z:\n"
         "   - ssl_chain_cert:      certificate chain file in PEM format\n"
         "   - ssl_key:             private key file\n"
         "   - ssl_keyformat:       private key format, OpenSSL's number (default: 1, PEM)\n"
         "   - ssl_verify_mode:     peer certificate verification mode, default is 0(None).\n"
         "                          valid values are 0(None), 1(Request), 2(Require)\n"
         "                          or 3(Once)\n"
         "   - ssl_ciphers:         specify cipher list to be used\n"
         "   - ssl_ca_cert:         PEM format file of acceptable client CA's\n"
         "   - ssl_wbuf_size:       size in kilobytes of the per-thread TLS output buffer\n"
         "                          (default: 16)\n"
         "   - ssl_session_cache:   enable server-side SSL session cache, to support session\n"
         "                          resumption\n"
         "   - ssl_kernel_tls:      enable kernel TLS offload\n"
         "   - ssl_min_version:     minimum protocol version to accept (default: tlsv1.2)\n"
         "                          valid values are 0(tlsv1.0), 1(tlsv1.1), 2(tlsv1.2), or 3(tlsv1.3).\n"
         "-h, --help                print this help and exit\n"
         "-V, --version             print the version and exit\n"
         "--config=<file>           read flags from <file> (/etc/memcached.conf format) first;\n"
         "                          flags on the command line win\n"
         "--shards=<num>            cache shards (default: max(16, 4 x threads), power of two)\n"
         "--logfile=<file>          log to <file> (SIGHUP reopens it) instead of stderr\n"
         "--syslog                  log to syslog instead of stderr\n";
}

}  // namespace memstripe::server
