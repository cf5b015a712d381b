#include "server/sasl_server.h"

#include <sasl/sasl.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <spdlog/spdlog.h>

namespace memstripe::server {
namespace {

int g_verbosity = 0;
const char* g_password_file = nullptr;  // MEMCACHED_SASL_PWDB
std::array<char, 1025> g_hostname{};

// Where memcached looks for its SASL configuration when SASL_CONF_PATH is not set.
constexpr const char* kConfigDirectories[] = {"/etc/sasl", "/etc/sasl2"};

int log_message(void*, int level, const char* message) {
  const bool shown = level == SASL_LOG_ERR || ((level == SASL_LOG_WARN || level == SASL_LOG_FAIL) && g_verbosity >= 1) ||
                     g_verbosity >= 2;
  if (shown && level != SASL_LOG_NONE) spdlog::warn("SASL (severity {}): {}", level, message);
  return SASL_OK;
}

int config_path(void*, const char** path) {
  *path = std::getenv("SASL_CONF_PATH");
  if (*path == nullptr) {
    for (const char* dir : kConfigDirectories) {
      if (::access((std::string(dir) + "/memcached.conf").c_str(), F_OK) == 0) {
        *path = dir;
        break;
      }
    }
  }
  return *path != nullptr ? SASL_OK : SASL_FAIL;
}

// The name a password file line gives: Cyrus hands the user over with its realm, this
// host's name ("bob@host"); a line may name the user with it or without it.
bool names_user(std::string_view line_user, std::string_view user) noexcept {
  if (line_user == user) return true;
  const std::size_t at = user.rfind('@');
  return at != std::string_view::npos && user.substr(at + 1) == g_hostname.data() && line_user == user.substr(0, at);
}

// memcached's sasl_server_userdb_checkpass(): the user's line of the password file, its
// password up to the next ':' or the end of the line. Compared in constant time.
int check_password(sasl_conn_t*, void*, const char* user, const char* pass, unsigned pass_length, struct propctx*) {
  std::ifstream file(g_password_file);
  if (!file) {
    SPDLOG_DEBUG("SASL: cannot open the password file {}", g_password_file);
    return SASL_NOAUTHZ;
  }
  const std::string_view wanted_user(user);
  const std::string_view given(pass, pass_length);
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos || !names_user(std::string_view(line).substr(0, colon), wanted_user)) continue;
    std::string_view stored = std::string_view(line).substr(colon + 1);
    stored = stored.substr(0, stored.find(':'));
    unsigned char difference = stored.size() == given.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i) {
      difference |= static_cast<unsigned char>(given[i] ^ (i < stored.size() ? stored[i] : 0));
    }
    return difference == 0 ? SASL_OK : SASL_NOAUTHZ;
  }
  return SASL_NOAUTHZ;
}

// Cyrus takes every callback as int (*)(void); going through void (*)(void), the type GCC
// allows any function pointer to pass through, says the cast is meant.
using Callback = int (*)();
template <class F>
Callback callback(F* f) noexcept {
  return reinterpret_cast<Callback>(reinterpret_cast<void (*)()>(f));
}

sasl_callback_t g_callbacks[] = {
    {SASL_CB_SERVER_USERDB_CHECKPASS, callback(&check_password), nullptr},
    {SASL_CB_LOG, callback(&log_message), nullptr},
    {SASL_CB_GETCONFPATH, callback(&config_path), nullptr},
    {SASL_CB_LIST_END, nullptr, nullptr},
};

class CyrusSession final : public protocol::SaslSession {
 public:
  explicit CyrusSession(sasl_conn_t* conn) noexcept : conn_(conn) {}
  ~CyrusSession() override { sasl_dispose(&conn_); }

  std::string_view mechanisms() override {
    const char* list = nullptr;
    unsigned length = 0;
    if (sasl_listmech(conn_, nullptr, "", " ", "", &list, &length, nullptr) != SASL_OK) return {};
    return {list, length};
  }

  protocol::SaslOutcome start(std::string_view mechanism, std::string_view data) override {
    const std::string name(mechanism);  // Cyrus wants it NUL-terminated
    const char* out = nullptr;
    unsigned out_length = 0;
    const int rc = sasl_server_start(conn_, name.c_str(), data.empty() ? nullptr : data.data(),
                                     static_cast<unsigned>(data.size()), &out, &out_length);
    return outcome(rc, out, out_length);
  }

  protocol::SaslOutcome step(std::string_view data) override {
    const char* out = nullptr;
    unsigned out_length = 0;
    const int rc = sasl_server_step(conn_, data.empty() ? nullptr : data.data(), static_cast<unsigned>(data.size()),
                                    &out, &out_length);
    return outcome(rc, out, out_length);
  }

 private:
  static protocol::SaslOutcome outcome(int rc, const char* out, unsigned out_length) {
    using Status = protocol::SaslOutcome::Status;
    switch (rc) {
      case SASL_OK: return {Status::kAuthenticated, {}};
      case SASL_CONTINUE: return {Status::kContinue, out != nullptr ? std::string_view(out, out_length) : std::string_view{}};
      default:
        SPDLOG_DEBUG("SASL: authentication failed: {}", sasl_errstring(rc, nullptr, nullptr));
        return {Status::kFailed, {}};
    }
  }

  sasl_conn_t* conn_;
};

}  // namespace

SaslServer::SaslServer(int verbosity) {
  g_verbosity = verbosity;
  g_password_file = std::getenv("MEMCACHED_SASL_PWDB");
  if (g_password_file == nullptr) g_callbacks[0].id = SASL_CB_LIST_END;  // Cyrus checks passwords itself
  if (::gethostname(g_hostname.data(), g_hostname.size() - 1) != 0) g_hostname[0] = '\0';
  if (sasl_server_init(g_callbacks, "memcached") != SASL_OK) throw std::runtime_error("cannot initialise SASL");
}

SaslServer::~SaslServer() { sasl_server_done(); }

std::unique_ptr<protocol::SaslSession> SaslServer::new_session() const {
  sasl_conn_t* conn = nullptr;
  const int rc = sasl_server_new("memcached", nullptr, g_hostname[0] != '\0' ? g_hostname.data() : nullptr, nullptr,
                                 nullptr, nullptr, 0, &conn);
  if (rc != SASL_OK) {
    spdlog::warn("SASL: cannot start a connection's exchange: {}", sasl_errstring(rc, nullptr, nullptr));
    return nullptr;
  }
  return std::make_unique<CyrusSession>(conn);
}

}  // namespace memstripe::server
