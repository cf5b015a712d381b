// memcached's ASCII authentication file (-Y): "user:password" lines, at most eight of them
// (memcached's MAX_ENTRIES; a ninth is ignored), each at most 255 bytes. Loaded at start
// and again on SIGHUP; a reload that fails keeps the entries already loaded. Passwords are
// compared in constant time, whatever they hold.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace memstripe::server {

class AuthFile {
 public:
  static constexpr std::size_t kMaxEntries = 8;
  static constexpr std::size_t kMaxEntryLength = 256;

  explicit AuthFile(std::string path) : path_(std::move(path)) {}

  // Reads the file; empty on success, else why it was not (the entries stay as they were).
  std::string load();
  bool check(std::string_view user, std::string_view password) const;
  const std::string& path() const noexcept { return path_; }

 private:
  struct Entry {
    std::string user;
    std::string password;
  };
  using Entries = std::vector<Entry>;

  std::string path_;
  mutable std::mutex mutex_;  // guards entries_: readers copy the pointer
  std::shared_ptr<const Entries> entries_ = std::make_shared<Entries>();
};

}  // namespace memstripe::server
