#include "server/logging.h"

#include <spdlog/details/file_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>
#include <syslog.h>

#include <memory>
#include <mutex>

namespace memstripe::server {
namespace {

// A file sink that can reopen its file: spdlog's basic_file_sink cannot.
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(const std::string& path) { file_.open(path, false); }
  void reopen() {
    std::lock_guard lock(mutex_);
    file_.reopen(false);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    file_.write(formatted);
  }
  void flush_() override { file_.flush(); }

 private:
  spdlog::details::file_helper file_;
};

std::shared_ptr<ReopenableFileSink> g_file_sink;
std::string g_log_file;

spdlog::level::level_enum level_for(int verbosity) {
  if (verbosity >= 2) return spdlog::level::trace;
  if (verbosity == 1) return spdlog::level::debug;
  return spdlog::level::info;
}

}  // namespace

std::string setup_logging(const ServerOptions& options) {
  spdlog::sink_ptr sink;
  // spdlog reports failures by exception; this runs once at startup, before any client.
  try {
    if (options.syslog) {
      sink = std::make_shared<spdlog::sinks::syslog_sink_mt>("memstripe", LOG_PID, LOG_DAEMON, true);
    } else if (!options.log_file.empty()) {
      g_file_sink = std::make_shared<ReopenableFileSink>(options.log_file);
      g_log_file = options.log_file;
      sink = g_file_sink;
    } else {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    }
  } catch (const spdlog::spdlog_ex& e) {
    return std::string("memstripe: cannot open the log: ") + e.what();
  }
  auto logger = std::make_shared<spdlog::logger>("memstripe", sink);
  if (!options.syslog) logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  // Log lines are rare (startup, errors, -vv connections): write each one at once.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  apply_log_verbosity(options.verbosity);
  return {};
}

void apply_log_verbosity(int level) { spdlog::set_level(level_for(level)); }

void reopen_log() {
  if (!g_file_sink) return;
  try {
    g_file_sink->reopen();
    spdlog::info("log file reopened");
  } catch (const spdlog::spdlog_ex& e) {
    // Nothing to log to: the next message will try the file again.
    (void)e;
  }
}

std::string log_file_path() { return g_log_file; }

}  // namespace memstripe::server
