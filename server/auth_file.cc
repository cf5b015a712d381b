#include "server/auth_file.h"

#include <fstream>

namespace memstripe::server {
namespace {

// 1 when equal, else 0, in a time that depends on the lengths only (as memcached's
// safe_memcmp()). A number, not a bool, so that check() combines the results with `&` and
// compares every entry's password whether its user matched or not.
unsigned same(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return 0;
  unsigned difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return static_cast<unsigned>(difference == 0);
}

}  // namespace

std::string AuthFile::load() {
  std::ifstream file(path_);
  if (!file) return "cannot open the authentication file " + path_;
  auto entries = std::make_shared<Entries>();
  std::string line;
  while (entries->size() < kMaxEntries && std::getline(file, line)) {
    if (line.size() >= kMaxEntryLength) line.resize(kMaxEntryLength - 1);  // memcached's fgets() bound
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      return "the authentication file " + path_ + " has a malformed entry: it should be 'user:password'";
    }
    std::string password = line.substr(colon + 1);
    const std::size_t end = password.find_first_of("\r\n");
    if (end != std::string::npos) password.resize(end);
    entries->push_back({line.substr(0, colon), std::move(password)});
  }
  std::lock_guard lock(mutex_);
  entries_ = std::move(entries);
  return {};
}

bool AuthFile::check(std::string_view user, std::string_view password) const {
  std::shared_ptr<const Entries> entries;
  {
    std::lock_guard lock(mutex_);
    entries = entries_;
  }
  unsigned found = 0;
  for (const Entry& e : *entries) found |= same(user, e.user) & same(password, e.password);
  return found != 0;
}

}  // namespace memstripe::server
