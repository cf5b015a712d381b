"""The command line is memcached 1.6's: the same letters and long names; a flag memstripe
does not support, or a bad value, is refused with a message naming it (exit 64); a
Debian-style config file (--config) is read first and the command line overrides it; a
bad config line is reported with its line number."""

import os

import pytest

from harness import SOURCE_DIR, wait_for
from server_helpers import Started, run_to_exit, serving, stats

EX_USAGE = 64


@pytest.mark.parametrize("args,message", [
    (["-f", "1.25"], "-f/--slab-growth-factor"),
    (["--enable-largepages"], "-L/--enable-largepages"),
    (["-L"], "-L/--enable-largepages"),
    (["--bogus"], "unrecognized option '--bogus'"),
    (["-j"], "invalid option -- 'j'"),
    (["-o", "lru_crawler"], '"lru_crawler"'),
    (["-U", "11211"], "UDP"),
])
def test_an_unsupported_flag_is_refused_by_name(args, message):
    result = run_to_exit(args)
    assert result.returncode == EX_USAGE
    assert message in result.stderr


@pytest.mark.parametrize("args,message", [
    (["-c", "0"], "Maximum connections must be greater than 0"),
    (["-t", "0"], "Number of threads must be greater than 0"),
    (["-I", "500"], "Item max size cannot be less than 1024 bytes."),
    (["-I", "40m"], "Cannot set item size limit higher than 1/2 of memory max."),
    (["-p", "70000"], "-p"),
    (["-a", "0999"], "-a/--unix-mask"),
    (["-m", "abc"], "-m/--memory-limit"),
])
def test_a_bad_value_is_refused_with_memcacheds_words(args, message):
    result = run_to_exit(args)
    assert result.returncode == EX_USAGE
    assert message in result.stderr


def test_help_lists_the_flags_and_exits_0():
    result = run_to_exit(["-h"])
    assert result.returncode == 0
    for flag in ("--port", "--listen", "--unix-socket", "--unix-mask", "--memory-limit", "--conn-limit",
                 "--threads", "--max-item-size", "--daemon", "--pidfile", "--user", "--config", "--shards"):
        assert flag in result.stdout


def test_version_prints_memstripes_version():
    result = run_to_exit(["-V"])
    assert result.returncode == 0
    assert result.stdout.startswith("memstripe ")


def test_long_options_work_like_short_ones():
    with serving(["--conn-limit=77", "--memory-limit", "32", "--threads=2", "--max-item-size=512k",
                  "--disable-cas", "--disable-evictions"]) as s:
        with s.connect("unix") as c:
            settings = stats(c, "settings")
    assert settings["maxconns"] == "77"
    assert settings["maxbytes"] == str(32 * 1024 * 1024)
    assert settings["num_threads"] == "2"
    assert settings["item_size_max"] == str(512 * 1024)
    assert settings["cas_enabled"] == "no"
    assert settings["evictions"] == "off"


def test_stats_settings_report_both_transports(server):
    with server.connect("tcp") as c:
        settings = stats(c, "settings")
    assert settings["domain_socket"] == server.unix_path
    assert settings["tcpport"] == "-1"
    assert settings["inter"] == "127.0.0.1"
    assert settings["umask"] == "700"
    assert settings["udpport"] == "0"


# --- the config file ----------------------------------------------------------------

def test_a_config_file_sets_flags_and_the_log_file(tmp_path):
    log = tmp_path / "from-config.log"
    conf = tmp_path / "memstripe.conf"
    conf.write_text(f"# a test configuration\n-c 33   # connections\n-m 32\n\nlogfile {log}\n-t 2\n")
    with serving(["--config", str(conf)]) as server:
        with server.connect("tcp") as c:
            settings = stats(c, "settings")
        wait_for(lambda: log.exists() and "listening on" in log.read_text(), 10, "the configured log file")
    assert settings["maxconns"] == "33"
    assert settings["maxbytes"] == str(32 * 1024 * 1024)
    assert settings["num_threads"] == "2"


def test_the_command_line_overrides_the_config_file(tmp_path):
    conf = tmp_path / "memstripe.conf"
    conf.write_text("-c 33\n-m 32\n")
    with serving(["--config", str(conf), "-c", "44"]) as server:
        with server.connect("unix") as c:
            settings = stats(c, "settings")
    assert settings["maxconns"] == "44"
    assert settings["maxbytes"] == str(32 * 1024 * 1024)


def test_a_bad_config_line_is_reported_with_its_line_number(tmp_path):
    conf = tmp_path / "broken.conf"
    conf.write_text("# fine\n-m 64\n\n-c many\n")
    result = run_to_exit(["--config", str(conf)])
    assert result.returncode == EX_USAGE
    assert f"{conf}:4: " in result.stderr
    assert "Maximum connections must be greater than 0" in result.stderr


def test_an_unknown_config_directive_is_reported_with_its_line_number(tmp_path):
    conf = tmp_path / "broken.conf"
    conf.write_text("-m 64\nlogfil /tmp/x\n")
    result = run_to_exit(["--config", str(conf)])
    assert result.returncode == EX_USAGE
    assert f"{conf}:2: unknown directive 'logfil'" in result.stderr


def test_a_missing_config_file_is_an_error(tmp_path):
    result = run_to_exit(["--config", str(tmp_path / "absent.conf")])
    assert result.returncode == EX_USAGE
    assert "absent.conf" in result.stderr


def test_the_shipped_config_file_starts_a_server(tmp_path):
    # conf/memstripe.conf (what `make run` uses), with the test's own port and socket.
    conf = os.path.join(SOURCE_DIR, "conf", "memstripe.conf")
    sock = str(tmp_path / "shipped.sock")
    with Started(["--config", conf, "-p", "-1", "-s", sock], tmp_path) as server:
        server.wait_until_listening()
        assert len(server.tcp_ports()) == 1
        assert os.path.exists(sock)
