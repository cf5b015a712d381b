#include "server/settings_report.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memstripe::server {
namespace {

std::string report(const std::vector<std::string>& args, int verbosity = 0) {
  ParseResult r = parse_arguments(args);
  EXPECT_TRUE(r.ok()) << r.error;
  std::string out;
  report_settings(r.options, verbosity, [&](std::string_view name, std::string_view value) {
    out += "STAT ";
    out += name;
    out += ' ';
    out += value;
    out += "\r\n";
  });
  return out;
}

TEST(SettingsReport, DefaultsInMemcachedsOrderAndFormat) {
  EXPECT_EQ(report({}),
            "STAT maxbytes 67108864\r\n"
            "STAT maxconns 1024\r\n"
            "STAT tcpport 11211\r\n"
            "STAT udpport 0\r\n"
            "STAT inter 127.0.0.1\r\n"
            "STAT verbosity 0\r\n"
            "STAT evictions on\r\n"
            "STAT domain_socket NULL\r\n"
            "STAT umask 700\r\n"
            "STAT shutdown_command no\r\n"
            "STAT num_threads 4\r\n"
            "STAT reqs_per_event 20\r\n"
            "STAT cas_enabled yes\r\n"
            "STAT tcp_backlog 1024\r\n"
            "STAT binding_protocol auto-negotiate\r\n"
            "STAT auth_enabled_sasl no\r\n"
            "STAT auth_enabled_ascii no\r\n"
            "STAT item_size_max 1048576\r\n"
            "STAT maxconns_fast yes\r\n"
            "STAT hashpower_init 0\r\n"
            "STAT flush_enabled yes\r\n"
            "STAT dump_enabled yes\r\n"
            "STAT lru_maintainer_thread yes\r\n"
            "STAT idle_timeout 0\r\n"
            "STAT ssl_enabled no\r\n"
            "STAT ssl_chain_cert (null)\r\n"
            "STAT ssl_key (null)\r\n"
            "STAT ssl_verify_mode 0\r\n"
            "STAT ssl_keyformat 1\r\n"
            "STAT ssl_ciphers NULL\r\n"
            "STAT ssl_ca_cert NULL\r\n"
            "STAT ssl_wbuf_size 16384\r\n"
            "STAT ssl_session_cache no\r\n"
            "STAT ssl_kernel_tls no\r\n"
            "STAT ssl_min_version tlsv1.2\r\n"
            "STAT shards 16\r\n"
            "STAT eviction clock\r\n");
}

TEST(SettingsReport, EvictionIsThePolicyChosen) {
  EXPECT_NE(report({"-o", "eviction=s3fifo"}).find("STAT eviction s3fifo\r\n"), std::string::npos);
}

TEST(SettingsReport, TlsLinesAreMemcachedsWithMinusZ) {
  std::string r = report({"-Z", "-o", "ssl_chain_cert=/c.pem,ssl_key=/k.pem,ssl_verify_mode=2,ssl_ca_cert=/ca.pem",
                          "-o", "ssl_ciphers=HIGH,ssl_wbuf_size=8,ssl_session_cache,ssl_kernel_tls,ssl_min_version=3"});
  EXPECT_NE(r.find("STAT ssl_enabled yes\r\n"
                   "STAT ssl_chain_cert /c.pem\r\n"
                   "STAT ssl_key /k.pem\r\n"
                   "STAT ssl_verify_mode 3\r\n"
                   "STAT ssl_keyformat 1\r\n"
                   "STAT ssl_ciphers HIGH\r\n"
                   "STAT ssl_ca_cert /ca.pem\r\n"
                   "STAT ssl_wbuf_size 8192\r\n"
                   "STAT ssl_session_cache yes\r\n"
                   "STAT ssl_kernel_tls yes\r\n"
                   "STAT ssl_min_version tlsv1.3\r\n"),
            std::string::npos)
      << r;
}

TEST(SettingsReport, ReflectsTheFlags) {
  std::string r = report({"-m", "200", "-c", "99", "-p", "21997", "-l", "127.0.0.1,::1", "-M", "-C", "-A", "-t", "3",
                          "-R", "5", "-b", "77", "-I", "2m", "-o", "idle_timeout=7,hashpower=20,no_lru_maintainer", "-s", "/tmp/x.sock",
                          "-a", "755", "-F", "-X"},
                         2);
  for (const char* line : {"STAT maxbytes 209715200\r\n", "STAT maxconns 99\r\n", "STAT tcpport 21997\r\n",
                           "STAT inter 127.0.0.1,::1\r\n", "STAT verbosity 2\r\n", "STAT evictions off\r\n",
                           "STAT domain_socket /tmp/x.sock\r\n", "STAT umask 755\r\n",
                           "STAT shutdown_command yes\r\n", "STAT num_threads 3\r\n", "STAT reqs_per_event 5\r\n",
                           "STAT cas_enabled no\r\n", "STAT tcp_backlog 77\r\n", "STAT item_size_max 2097152\r\n",
                           "STAT hashpower_init 20\r\n", "STAT idle_timeout 7\r\n",
                           "STAT flush_enabled no\r\n", "STAT dump_enabled no\r\n", "STAT lru_maintainer_thread no\r\n"}) {
    EXPECT_NE(r.find(line), std::string::npos) << line << " missing from\n" << r;
  }
}

TEST(SettingsReport, UnixSocketAloneReportsNoTcp) {
  std::string r = report({"-s", "/tmp/only.sock"});
  EXPECT_NE(r.find("STAT tcpport 0\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("STAT inter NULL\r\n"), std::string::npos) << r;
  EXPECT_NE(r.find("STAT domain_socket /tmp/only.sock\r\n"), std::string::npos) << r;
}

TEST(SettingsReport, EphemeralPortReportsMinusOneLikeMemcached) {
  EXPECT_NE(report({"-p", "-1"}).find("STAT tcpport -1\r\n"), std::string::npos);
}

}  // namespace
}  // namespace memstripe::server
