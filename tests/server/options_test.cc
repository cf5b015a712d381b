#include "server/options.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace memstripe::server {
namespace {

ParseResult parse(std::vector<std::string> args) { return parse_arguments(args); }

ServerOptions parse_ok(std::vector<std::string> args) {
  ParseResult r = parse(std::move(args));
  EXPECT_TRUE(r.ok()) << r.error;
  return r.options;
}

TEST(Options, DefaultsAreMemcachedsExceptLoopbackListen) {
  ServerOptions o;
  EXPECT_EQ(o.port, 11211);
  EXPECT_EQ(o.listen, (std::vector<ListenAddress>{{"127.0.0.1", std::nullopt, false}}));
  EXPECT_EQ(o.memory_limit_mb, 64u);
  EXPECT_EQ(o.max_connections, 1024u);
  EXPECT_EQ(o.threads, 4u);
  EXPECT_EQ(o.item_size_max, 1024u * 1024u);
  EXPECT_EQ(o.unix_mask, 0700u);
  EXPECT_TRUE(o.evict_when_full);
  EXPECT_TRUE(o.use_cas);
  EXPECT_TRUE(o.serves_tcp());
  EXPECT_FALSE(o.serves_unix());
}

TEST(Options, ShortFlagsTakeSeparateOrAttachedValues) {
  ServerOptions o = parse_ok({"-p", "12345", "-m64", "-c", "10", "-t2"});
  EXPECT_EQ(o.port, 12345);
  EXPECT_EQ(o.memory_limit_mb, 64u);
  EXPECT_EQ(o.max_connections, 10u);
  EXPECT_EQ(o.threads, 2u);
}

TEST(Options, LongFlagsTakeEqualsOrSeparateValues) {
  ServerOptions o = parse_ok({"--port=2000", "--memory-limit", "32", "--conn-limit=5", "--threads", "3",
                              "--unix-socket=/tmp/x.sock", "--unix-mask", "0755", "--max-item-size=2m",
                              "--pidfile", "/tmp/p", "--user=nobody", "--listen=::1"});
  EXPECT_EQ(o.port, 2000);
  EXPECT_EQ(o.memory_limit_mb, 32u);
  EXPECT_EQ(o.max_connections, 5u);
  EXPECT_EQ(o.threads, 3u);
  EXPECT_EQ(o.unix_socket, "/tmp/x.sock");
  EXPECT_EQ(o.unix_mask, 0755u);
  EXPECT_EQ(o.item_size_max, 2u << 20);
  EXPECT_EQ(o.pid_file, "/tmp/p");
  EXPECT_EQ(o.user, "nobody");
  EXPECT_EQ(o.listen, (std::vector<ListenAddress>{{"::1", std::nullopt, false}}));
}

TEST(Options, NoValueFlagsBundle) {
  ServerOptions o = parse_ok({"-dMCAkFXvv"});
  EXPECT_FALSE(o.flush_enabled);
  EXPECT_FALSE(o.dump_enabled);
  EXPECT_TRUE(o.daemonize);
  EXPECT_FALSE(o.evict_when_full);
  EXPECT_FALSE(o.use_cas);
  EXPECT_TRUE(o.shutdown_enabled);
  EXPECT_TRUE(o.lock_memory);
  EXPECT_EQ(o.verbosity, 2);
}

TEST(Options, BundledFlagTakesTheRestAsItsValue) {
  ServerOptions o = parse_ok({"-vp1234"});
  EXPECT_EQ(o.verbosity, 1);
  EXPECT_EQ(o.port, 1234);
}

TEST(Options, PortMinusOneMeansEphemeralAndZeroMeansOff) {
  EXPECT_EQ(parse_ok({"-p", "-1"}).port, -1);
  ServerOptions off = parse_ok({"-p", "0"});
  EXPECT_FALSE(off.serves_tcp());
}

TEST(Options, PortOutOfRangeIsRefused) {
  EXPECT_FALSE(parse({"-p", "70000"}).ok());
  EXPECT_FALSE(parse({"-p", "-2"}).ok());
  EXPECT_FALSE(parse({"-p", "abc"}).ok());
}

TEST(Options, UnixSocketAloneTurnsTcpOffLikeMemcached) {
  ServerOptions o = parse_ok({"-s", "/tmp/a.sock"});
  EXPECT_TRUE(o.serves_unix());
  EXPECT_FALSE(o.serves_tcp());
}

TEST(Options, UnixSocketWithExplicitPortOrListenServesBoth) {
  ServerOptions with_port = parse_ok({"-s", "/tmp/a.sock", "-p", "11311"});
  EXPECT_TRUE(with_port.serves_unix());
  EXPECT_TRUE(with_port.serves_tcp());
  ServerOptions with_listen = parse_ok({"-l", "127.0.0.1", "-s", "/tmp/a.sock"});
  EXPECT_TRUE(with_listen.serves_tcp());
  ServerOptions port_zero = parse_ok({"-s", "/tmp/a.sock", "-p", "0"});
  EXPECT_FALSE(port_zero.serves_tcp());
}

TEST(Options, ListenTakesCommaSeparatedAddressesWithOptionalPorts) {
  ServerOptions o = parse_ok({"-l", "127.0.0.1,[::1]:11300,localhost:99,::1"});
  EXPECT_EQ(o.listen, (std::vector<ListenAddress>{{"127.0.0.1", std::nullopt, false},
                                                  {"::1", 11300, false},
                                                  {"localhost", 99, false},
                                                  {"::1", std::nullopt, false}}));
  EXPECT_EQ(o.listen_text, "127.0.0.1,[::1]:11300,localhost:99,::1");
}

TEST(Options, RepeatedListenFlagsAddUp) {
  ServerOptions o = parse_ok({"-l", "127.0.0.1", "-l", "::1"});
  EXPECT_EQ(o.listen.size(), 2u);
  EXPECT_EQ(o.listen_text, "127.0.0.1,::1");
}

TEST(Options, MalformedListenEntriesAreRefused) {
  for (const char* bad : {"", ",", "127.0.0.1,", "[::1", "[]:1", "[::1]x", "host:", ":80", "h:70000", "h:p"}) {
    EXPECT_FALSE(parse({"-l", bad}).ok()) << bad;
  }
}

TEST(Options, ItemSizeTakesKAndMSuffixes) {
  EXPECT_EQ(parse_size("1024"), 1024u);
  EXPECT_EQ(parse_size("2k"), 2048u);
  EXPECT_EQ(parse_size("2K"), 2048u);
  EXPECT_EQ(parse_size("3m"), 3u << 20);
  EXPECT_EQ(parse_size("3M"), 3u << 20);
  EXPECT_EQ(parse_size("1g"), std::nullopt);
  EXPECT_EQ(parse_size("m"), std::nullopt);
  EXPECT_EQ(parse_size(""), std::nullopt);
  EXPECT_EQ(parse_size("-1"), std::nullopt);
}

TEST(Options, ItemSizeBoundsAreMemcacheds) {
  auto check = [](std::vector<std::string> args) {
    ParseResult r = parse(std::move(args));
    EXPECT_TRUE(r.ok()) << r.error;
    return validate(r.options);
  };
  EXPECT_EQ(check({"-I", "1000"}), "Item max size cannot be less than 1024 bytes.");
  EXPECT_EQ(check({"-I", "1k"}), "");
  EXPECT_EQ(check({"-I", "33m"}), "Cannot set item size limit higher than 1/2 of memory max.");
  EXPECT_EQ(check({"-I", "32m"}), "");
  EXPECT_EQ(check({"-I", "1025m", "-m", "4096"}), "Cannot set item size limit higher than a gigabyte.");
  EXPECT_EQ(check({"-I", "1024m", "-m", "4096"}), "");
  EXPECT_EQ(check({"-m", "1"}), "Cannot set item size limit higher than 1/2 of memory max.");
}

TEST(Options, MemoryLimitAboveTheStorageMaximumIsRefused) {
  ParseResult r = parse({"-m", "16385"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("-m 16385"), std::string::npos) << r.error;
  EXPECT_TRUE(parse({"-m", "16384"}).ok());
}

TEST(Options, CountsMustBePositiveWithMemcachedsWords) {
  EXPECT_EQ(parse({"-c", "0"}).error, "Maximum connections must be greater than 0");
  EXPECT_EQ(parse({"-t", "0"}).error, "Number of threads must be greater than 0");
  EXPECT_EQ(parse({"-R", "0"}).error, "Number of requests per event must be greater than 0");
}

TEST(Options, ManyThreadsWarnButRun) {
  ParseResult r = parse({"-t", "65"});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.options.warnings.size(), 1u);
}

TEST(Options, UnixMaskIsOctal) {
  EXPECT_EQ(parse_ok({"-a", "0644"}).unix_mask, 0644u);
  EXPECT_EQ(parse_ok({"-a", "755"}).unix_mask, 0755u);
  EXPECT_FALSE(parse({"-a", "0888"}).ok());
  EXPECT_FALSE(parse({"-a", "1777"}).ok());
}

TEST(Options, UdpPortZeroIsAcceptedAndAnyOtherRefused) {
  EXPECT_TRUE(parse({"-U", "0"}).ok());
  ParseResult r = parse({"-U", "11211"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("UDP"), std::string::npos);
}

TEST(Options, ExtendedOptionsApply) {
  ServerOptions o = parse_ok({"-o", "idle_timeout=30,hashpower=20,maxconns_fast,debug_clock"});
  EXPECT_EQ(o.idle_timeout, 30u);
  EXPECT_EQ(o.hashpower, 20u);
  EXPECT_TRUE(o.debug_clock);
  EXPECT_TRUE(o.fast_maintenance);
}

TEST(Options, NoLruMaintainerSlowsTheUpkeepAndLruMaintainerRestoresIt) {
  EXPECT_FALSE(parse_ok({"-o", "no_lru_maintainer"}).fast_maintenance);
  EXPECT_TRUE(parse_ok({"-o", "no_lru_maintainer,lru_maintainer"}).fast_maintenance);
  EXPECT_FALSE(parse({"-o", "no_lru_maintainer=1"}).ok());
}

TEST(Options, EvictionTakesClockOrS3Fifo) {
  EXPECT_EQ(parse_ok({"-o", "eviction=s3fifo"}).eviction, storage::EvictionPolicy::kS3Fifo);
  EXPECT_EQ(parse_ok({"-o", "eviction=s3fifo,eviction=clock"}).eviction, storage::EvictionPolicy::kClock);
  ParseResult r = parse({"-o", "eviction=lru"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("clock or s3fifo"), std::string::npos) << r.error;
  EXPECT_FALSE(parse({"-o", "eviction"}).ok());
}

TEST(Options, UnknownExtendedOptionIsRefusedByName) {
  ParseResult r = parse({"-o", "idle_timeout=3,lru_crawler"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("\"lru_crawler\""), std::string::npos) << r.error;
  EXPECT_FALSE(parse({"-o", "idle_timeout=x"}).ok());
}

TEST(Options, UnsupportedMemcachedFlagIsRefusedByName) {
  ParseResult r = parse({"-f", "1.25"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("-f/--slab-growth-factor"), std::string::npos) << r.error;
  ParseResult s = parse({"--enable-largepages"});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error.find("-L/--enable-largepages"), std::string::npos) << s.error;
}

TEST(Options, TlsDefaultsAreMemcacheds) {
  const TlsOptions t = parse_ok({}).tls;
  EXPECT_FALSE(t.enabled);
  EXPECT_EQ(t.verify_mode, 0);
  EXPECT_EQ(t.key_format, kKeyFormatPem);
  EXPECT_EQ(t.write_buffer, 16u * 1024);
  EXPECT_EQ(t.min_version, kTlsVersion1_2);
  EXPECT_FALSE(t.ciphers);
  EXPECT_FALSE(t.ca_cert);
  EXPECT_FALSE(t.session_cache);
  EXPECT_FALSE(t.kernel_tls);
}

TEST(Options, TlsSuboptionsApply) {
  const TlsOptions t = parse_ok({"-Z", "-o",
                                 "ssl_chain_cert=/c.pem,ssl_key=/k.pem,ssl_ca_cert=/ca.pem,ssl_ciphers=HIGH:!aNULL,"
                                 "ssl_keyformat=2,ssl_wbuf_size=32,ssl_session_cache,ssl_kernel_tls=yes"})
                          .tls;
  EXPECT_TRUE(t.enabled);
  EXPECT_EQ(t.chain_cert, "/c.pem");
  EXPECT_EQ(t.key, "/k.pem");
  EXPECT_EQ(t.ca_cert, "/ca.pem");
  EXPECT_EQ(t.ciphers, "HIGH:!aNULL");
  EXPECT_EQ(t.key_format, 2);
  EXPECT_EQ(t.write_buffer, 32u * 1024);
  EXPECT_TRUE(t.session_cache);
  EXPECT_TRUE(t.kernel_tls);
  EXPECT_TRUE(parse_ok({"--enable-ssl"}).tls.enabled);
}

TEST(Options, TlsVerifyModeIsStoredAsOpenSslsFlagBits) {
  EXPECT_EQ(parse_ok({"-o", "ssl_verify_mode=0"}).tls.verify_mode, 0);
  EXPECT_EQ(parse_ok({"-o", "ssl_verify_mode=1"}).tls.verify_mode, 1);
  EXPECT_EQ(parse_ok({"-o", "ssl_verify_mode=2"}).tls.verify_mode, 3);
  EXPECT_EQ(parse_ok({"-o", "ssl_verify_mode=3"}).tls.verify_mode, 7);
  EXPECT_EQ(parse({"-o", "ssl_verify_mode=4"}).error, "Invalid ssl_verify_mode. Use help to see valid options.");
  EXPECT_EQ(parse({"-o", "ssl_verify_mode=x"}).error, "could not parse argument to ssl_verify_mode");
}

TEST(Options, TlsMinVersionTakesMemcacheds0To3) {
  EXPECT_EQ(parse_ok({"-o", "ssl_min_version=0"}).tls.min_version, kTlsVersion1_0);
  EXPECT_EQ(parse_ok({"-o", "ssl_min_version=1"}).tls.min_version, kTlsVersion1_1);
  EXPECT_EQ(parse_ok({"-o", "ssl_min_version=2"}).tls.min_version, kTlsVersion1_2);
  EXPECT_EQ(parse_ok({"-o", "ssl_min_version=3"}).tls.min_version, kTlsVersion1_3);
  EXPECT_EQ(parse({"-o", "ssl_min_version=tlsv1.3"}).error, "could not parse argument to ssl_min_version");
  EXPECT_EQ(parse({"-o", "ssl_min_version=4"}).error, "Invalid ssl_min_version. Use help to see valid options.");
  EXPECT_EQ(tls_version_name(kTlsVersion1_3), "tlsv1.3");
}

TEST(Options, TlsSuboptionsWithoutTheirValueAreRefusedInMemcachedsWords) {
  for (const char* name : {"ssl_chain_cert", "ssl_key", "ssl_verify_mode", "ssl_keyformat", "ssl_ciphers",
                           "ssl_ca_cert", "ssl_wbuf_size", "ssl_min_version"}) {
    EXPECT_EQ(parse({"-o", name}).error, std::string("Missing ") + name + " argument");
  }
  EXPECT_FALSE(parse({"-o", "ssl_wbuf_size=0"}).ok());
  EXPECT_FALSE(parse({"-o", "ssl_bogus=1"}).ok());
}

TEST(Options, NoTlsPrefixMarksAPlaintextListener) {
  ServerOptions o = parse_ok({"-Z", "-l", "127.0.0.1,notls:127.0.0.1:11212,notls:[::1]"});
  ASSERT_EQ(o.listen.size(), 3u);
  EXPECT_FALSE(o.listen[0].notls);
  EXPECT_TRUE(o.listen[1].notls);
  EXPECT_EQ(o.listen[1].host, "127.0.0.1");
  EXPECT_EQ(o.listen[1].port, 11212);
  EXPECT_TRUE(o.listen[2].notls);
  EXPECT_EQ(o.listen[2].host, "::1");
  EXPECT_EQ(o.listen_text, "127.0.0.1,notls:127.0.0.1:11212,notls:[::1]");
  EXPECT_FALSE(parse({"-l", "notls:"}).ok());
}

TEST(Options, TlsCrossChecksAreMemcacheds) {
  ServerOptions notls = parse_ok({"-l", "notls:127.0.0.1"});
  EXPECT_EQ(validate(notls), "'notls' option is valid only when SSL is enabled");
  ServerOptions no_tcp = parse_ok({"-Z", "-p", "0", "-s", "/tmp/a.sock"});
  EXPECT_EQ(validate(no_tcp), "ERROR: You cannot enable SSL without a TCP port.");
  ServerOptions fine = parse_ok({"-Z", "-l", "notls:127.0.0.1:1,127.0.0.1"});
  EXPECT_EQ(validate(fine), "");
}

TEST(Options, UnknownFlagIsRefusedByName) {
  EXPECT_EQ(parse({"--bogus"}).error, "memstripe: unrecognized option '--bogus'");
  EXPECT_EQ(parse({"-j"}).error, "memstripe: invalid option -- 'j'");
  EXPECT_EQ(parse({"-p"}).error, "memstripe: option requires an argument -- 'p'");
  EXPECT_EQ(parse({"--port"}).error, "memstripe: option '--port' requires an argument");
  EXPECT_EQ(parse({"--daemon=1"}).error, "memstripe: option '--daemon' doesn't allow an argument");
  EXPECT_EQ(parse({"stray"}).error, "memstripe: unexpected argument 'stray'");
}

TEST(Options, ProtocolFlagTakesMemcachedsThreeNames) {
  EXPECT_EQ(parse_ok({}).binding, protocol::Binding::kAuto);
  EXPECT_EQ(parse_ok({"-B", "auto"}).binding, protocol::Binding::kAuto);
  EXPECT_EQ(parse_ok({"-B", "ascii"}).binding, protocol::Binding::kAscii);
  EXPECT_EQ(parse_ok({"--protocol=binary"}).binding, protocol::Binding::kBinary);
  EXPECT_FALSE(parse({"-B", "text"}).ok());
}

TEST(Options, SaslSpeaksOnlyTheBinaryProtocol) {
  ServerOptions o = parse_ok({"-S"});
  EXPECT_TRUE(o.sasl);
  EXPECT_EQ(validate(o), "");
  EXPECT_EQ(o.binding, protocol::Binding::kBinary);
  ServerOptions explicit_binary = parse_ok({"-S", "-B", "binary"});
  EXPECT_EQ(validate(explicit_binary), "");
  for (const char* binding : {"auto", "ascii"}) {
    ServerOptions o2 = parse_ok({"-S", "-B", binding});
    EXPECT_EQ(validate(o2), "ERROR: You cannot allow the ASCII protocol while using SASL.") << binding;
  }
}

TEST(Options, ShardsDefaultToFourPerThreadAtLeastSixteenPowerOfTwo) {
  EXPECT_EQ(parse_ok({"-t", "1"}).shard_count(), 16u);
  EXPECT_EQ(parse_ok({"-t", "4"}).shard_count(), 16u);
  EXPECT_EQ(parse_ok({"-t", "5"}).shard_count(), 32u);
  EXPECT_EQ(parse_ok({"-t", "12"}).shard_count(), 64u);
  EXPECT_EQ(parse_ok({"--shards", "3"}).shard_count(), 4u);
  EXPECT_EQ(parse_ok({"--shards=64", "-t", "1"}).shard_count(), 64u);
  EXPECT_FALSE(parse({"--shards", "0"}).ok());
}

TEST(Options, HelpAndVersionAreFlagged) {
  EXPECT_TRUE(parse_ok({"-h"}).help);
  EXPECT_TRUE(parse_ok({"--version"}).version);
  EXPECT_NE(usage_text().find("--unix-socket"), std::string::npos);
  EXPECT_EQ(version_text().rfind("memstripe ", 0), 0u);
}

// --- the config file -----------------------------------------------------------------

TEST(ConfigFile, FlagsCommentsAndLogfileApply) {
  ParseResult r = parse_config_text(
      "# a comment\n"
      "\n"
      "-m 128   # trailing comment\n"
      "  -c 10\n"
      "-vv\n"
      "-l 127.0.0.1,::1\n"
      "-s /tmp/m.sock\n"
      "-a 0750\n"
      "-M -C\n"
      "logfile /var/log/memstripe.log\n",
      "test.conf");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.options.memory_limit_mb, 128u);
  EXPECT_EQ(r.options.max_connections, 10u);
  EXPECT_EQ(r.options.verbosity, 2);
  EXPECT_EQ(r.options.listen.size(), 2u);
  EXPECT_EQ(r.options.unix_socket, "/tmp/m.sock");
  EXPECT_EQ(r.options.unix_mask, 0750u);
  EXPECT_FALSE(r.options.evict_when_full);
  EXPECT_FALSE(r.options.use_cas);
  EXPECT_EQ(r.options.log_file, "/var/log/memstripe.log");
}

TEST(ConfigFile, BadLineIsReportedWithItsLineNumber) {
  ParseResult r = parse_config_text("-m 64\n# fine\n-p 11211\n-q\n", "my.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "my.conf:4: memstripe: invalid option -- 'q'");
}

TEST(ConfigFile, BadValueIsReportedWithItsLineNumber) {
  ParseResult r = parse_config_text("\n\n-c nope\n", "my.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "my.conf:3: Maximum connections must be greater than 0");
}

TEST(ConfigFile, UnknownDirectiveIsReportedWithItsLineNumber) {
  ParseResult r = parse_config_text("-m 64\nloglevel 3\n", "my.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.rfind("my.conf:2: unknown directive 'loglevel'", 0), 0u) << r.error;
}

TEST(ConfigFile, FlagValueMustBeOnItsLine) {
  ParseResult r = parse_config_text("-m\n64\n", "my.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "my.conf:1: memstripe: option requires an argument -- 'm'");
}

TEST(ConfigFile, EscapedHashIsNotAComment) {
  ParseResult r = parse_config_text("-s /tmp/a\\#b.sock # real comment\n", "c");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.options.unix_socket, "/tmp/a\\#b.sock");
}

TEST(ConfigFile, HelpInAConfigFileIsAnError) {
  EXPECT_FALSE(parse_config_text("-h\n", "c").ok());
}

TEST(ConfigFile, DebianDefaultConfigParses) {
  ParseResult r = parse_config_text(
      "-d\nlogfile /var/log/memcached.log\n-m 64\n-p 11211\n-u memcache\n-l 127.0.0.1\n"
      "-P /var/run/memcached/memcached.pid\n",
      "memcached.conf");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.options.daemonize);
  EXPECT_EQ(r.options.user, "memcache");
  EXPECT_EQ(r.options.pid_file, "/var/run/memcached/memcached.pid");
}

// --- load_options: the config file under the command line ------------------------------

std::map<std::string, std::string>& fake_files() {
  static std::map<std::string, std::string> files;
  return files;
}

std::optional<std::string> read_fake(const std::string& path) {
  auto it = fake_files().find(path);
  if (it == fake_files().end()) return std::nullopt;
  return it->second;
}

TEST(LoadOptions, CommandLineOverridesTheConfigFile) {
  fake_files()["/etc/ms.conf"] = "-m 128\n-p 11000\n-l 10.0.0.1\n-v\n-t 8\n";
  ParseResult r = load_options({"-p", "12000", "--config", "/etc/ms.conf", "-l", "127.0.0.1", "-vv"}, read_fake);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.options.memory_limit_mb, 128u);  // from the file
  EXPECT_EQ(r.options.threads, 8u);            // from the file
  EXPECT_EQ(r.options.port, 12000);            // overridden
  EXPECT_EQ(r.options.listen, (std::vector<ListenAddress>{{"127.0.0.1", std::nullopt, false}}));  // replaced
  EXPECT_EQ(r.options.verbosity, 2);  // replaced, not added to
  EXPECT_EQ(r.options.config_file, "/etc/ms.conf");
}

TEST(LoadOptions, MissingConfigFileIsAnError) {
  ParseResult r = load_options({"--config=/nope.conf"}, read_fake);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error.find("/nope.conf"), std::string::npos);
}

TEST(LoadOptions, CrossChecksRunAfterEverythingIsApplied) {
  fake_files()["/etc/big.conf"] = "-I 64m\n";
  EXPECT_FALSE(load_options({"--config", "/etc/big.conf"}, read_fake).ok());
  EXPECT_TRUE(load_options({"--config", "/etc/big.conf", "-m", "256"}, read_fake).ok());
}

TEST(LoadOptions, ConfigCannotNameAnotherConfig) {
  fake_files()["/etc/loop.conf"] = "--config /etc/loop.conf\n";
  ParseResult r = load_options({"--config", "/etc/loop.conf"}, read_fake);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.rfind("/etc/loop.conf:1: ", 0), 0u) << r.error;
}

}  // namespace
}  // namespace memstripe::server
