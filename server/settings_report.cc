#include "server/settings_report.h"

#include <cstdio>
#include <string>

namespace memstripe::server {
namespace {

std::string octal(unsigned v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", v);
  return buf;
}

const char* yes_no(bool b) { return b ? "yes" : "no"; }

}  // namespace

void report_settings(const ServerOptions& o, int verbosity, const SettingSink& emit) {
  auto num = [&](std::string_view name, auto value) { emit(name, std::to_string(value)); };
  num("maxbytes", o.memory_limit_bytes());
  num("maxconns", o.max_connections);
  // memcached reports its -p setting even when -s turned TCP off; memstripe reports 0
  // when no TCP is served, as -p 0 would.
  num("tcpport", o.serves_tcp() ? o.port : 0);
  num("udpport", 0);
  emit("inter", o.serves_tcp() && o.listen_given ? o.listen_text
                : o.serves_tcp()                 ? std::string(kDefaultListenAddress)
                                                 : std::string("NULL"));
  num("verbosity", verbosity);
  emit("evictions", o.evict_when_full ? "on" : "off");
  emit("domain_socket", o.serves_unix() ? o.unix_socket : std::string("NULL"));
  emit("umask", octal(o.unix_mask));
  emit("shutdown_command", yes_no(o.shutdown_enabled));
  num("num_threads", o.threads);
  num("reqs_per_event", o.requests_per_event);
  emit("cas_enabled", yes_no(o.use_cas));
  num("tcp_backlog", o.backlog);
  // memcached's prot_text().
  emit("binding_protocol", o.binding == protocol::Binding::kAscii    ? "ascii"
                           : o.binding == protocol::Binding::kBinary ? "binary"
                                                                     : "auto-negotiate");
  emit("auth_enabled_sasl", yes_no(o.sasl));
  emit("auth_enabled_ascii", o.auth_file.empty() ? std::string("no") : o.auth_file);
  num("item_size_max", o.item_size_max);
  emit("maxconns_fast", "yes");
  num("hashpower_init", o.hashpower);
  emit("flush_enabled", yes_no(o.flush_enabled));
  emit("dump_enabled", yes_no(o.dump_enabled));
  emit("lru_maintainer_thread", yes_no(o.fast_maintenance));
  num("idle_timeout", o.idle_timeout);
  // memcached's TLS lines, printed by its TLS builds (Debian's) with -Z or without; an
  // unset path is printed as glibc prints a null %s.
  const TlsOptions& t = o.tls;
  emit("ssl_enabled", yes_no(t.enabled));
  emit("ssl_chain_cert", t.chain_cert.empty() ? std::string("(null)") : t.chain_cert);
  emit("ssl_key", t.key.empty() ? std::string("(null)") : t.key);
  num("ssl_verify_mode", t.verify_mode);
  num("ssl_keyformat", t.key_format);
  emit("ssl_ciphers", t.ciphers.value_or("NULL"));
  emit("ssl_ca_cert", t.ca_cert.value_or("NULL"));
  num("ssl_wbuf_size", t.write_buffer);
  emit("ssl_session_cache", yes_no(t.session_cache));
  emit("ssl_kernel_tls", yes_no(t.kernel_tls));
  emit("ssl_min_version", std::string(tls_version_name(t.min_version)));
  // memcached prints it last, and only with -e.
  if (!o.memory_file.empty()) emit("memory_file", o.memory_file);
  // memstripe's own.
  num("shards", o.shard_count());
  emit("eviction", storage::eviction_policy_name(o.eviction));
}

}  // namespace memstripe::server
