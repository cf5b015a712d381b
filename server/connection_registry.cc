#include "server/connection_registry.h"

#include <algorithm>
#include <functional>

#include "server/socket_address.h"

namespace memstripe::server {

std::string_view state_name(ConnectionState state) noexcept {
  switch (state) {
    case ConnectionState::kNewCommand: return "conn_new_cmd";
    case ConnectionState::kWaiting: return "conn_read";
    case ConnectionState::kParsing: return "conn_parse_cmd";
    case ConnectionState::kReadingValue: return "conn_nread";
    case ConnectionState::kWriting: return "conn_mwrite";
    case ConnectionState::kClosing: return "conn_closing";
  }
  return "conn_read";
}

void ConnectionRegistry::add(ConnectionRecord& record) {
  std::lock_guard lock(mutex_);
  record.prev_ = nullptr;
  record.next_ = head_;
  if (head_) head_->prev_ = &record;
  head_ = &record;
  ++count_;
}

void ConnectionRegistry::remove(ConnectionRecord& record) {
  std::lock_guard lock(mutex_);
  if (record.prev_) {
    record.prev_->next_ = record.next_;
  } else {
    head_ = record.next_;
  }
  if (record.next_) record.next_->prev_ = record.prev_;
  record.prev_ = record.next_ = nullptr;
  --count_;
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return count_;
}

void report_connections(const std::vector<ListenerRecord>& listeners,
                        const std::vector<const ConnectionRegistry*>& registries, storage::RelTime now,
                        const std::function<void(std::string_view, std::string_view)>& emit) {
  struct Entry {
    int fd;
    std::string address;
    const std::string* listen_address;  // null for a listener
    std::string_view state;
    storage::RelTime since;
  };
  std::vector<Entry> entries;
  for (const ListenerRecord& l : listeners) {
    entries.push_back({l.fd, l.address, nullptr, "conn_listening", l.created});
  }
  for (const ConnectionRegistry* registry : registries) {
    // The peer is looked up with the registry's mutex held, so the descriptor cannot be
    // closed and reused meanwhile. memcached never looks up a UNIX socket client's peer.
    registry->for_each([&](const ConnectionRecord& c) {
      entries.push_back({c.fd(), c.listener().is_unix ? format_socket_address(nullptr, 0) : peer_address(c.fd()),
                         &c.listener().address, state_name(c.state()), c.last_command()});
    });
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.fd < b.fd; });
  for (const Entry& e : entries) {
    std::string prefix = std::to_string(e.fd) + ":";
    emit(prefix + "addr", e.address);
    if (e.listen_address) emit(prefix + "listen_addr", *e.listen_address);
    emit(prefix + "state", e.state);
    emit(prefix + "secs_since_last_cmd", std::to_string(now >= e.since ? now - e.since : 0));
  }
}

}  // namespace memstripe::server
