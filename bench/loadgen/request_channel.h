// The byte stream of one load connection, as both kinds of connection (Connection, the
// benchmark's, and CacheAsideConnection, the hit-ratio lab's) drive it: requests are
// appended to out() and handed to the transport in as few writes as possible; replies
// arrive in a receive buffer that the owner parses from received() and then consume()s.
// Handlers pass through as they are, as client::Transport's do.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <vector>

#include "client/transport.h"

namespace loadgen {

class RequestChannel {
 public:
  // A reply the owner parses in one piece must fit in `receive_capacity` bytes.
  RequestChannel(boost::asio::io_context& io, std::size_t receive_capacity)
      : transport_(io), in_(receive_capacity) {}

  client::Transport& transport() noexcept { return transport_; }
  // Where the request writers append; the bytes stay the channel's until flush().
  std::vector<char>& out() noexcept { return out_; }
  void reserve_send(std::size_t bytes) {
    out_.reserve(bytes);
    sending_.reserve(bytes);
  }
  bool writing() const noexcept { return writing_; }
  // Every request appended has reached the transport.
  bool all_sent() const noexcept { return out_.empty() && !writing_; }

  // Hands out() to the transport. Requests are small: the socket almost always takes them
  // at once, without a trip through the reactor. `on_error()` runs when a write fails,
  // not when it is cancelled.
  template <typename OnError>
  void flush(OnError on_error) {
    if (writing_ || out_.empty()) return;
    boost::system::error_code ec;
    const std::size_t n = transport_.try_write(boost::asio::buffer(out_), ec);
    if (ec) return on_error();
    if (n == out_.size()) {
      out_.clear();
      return;
    }
    sending_.assign(out_.begin() + static_cast<std::ptrdiff_t>(n), out_.end());
    out_.clear();
    writing_ = true;
    transport_.async_write(boost::asio::buffer(sending_),
                           [this, on_error](const boost::system::error_code& error, std::size_t) {
                             writing_ = false;
                             if (error) {
                               if (error != boost::asio::error::operation_aborted) on_error();
                               return;
                             }
                             sending_.clear();
                             flush(on_error);
                           });
  }

  // Reads what has arrived into the free end of the receive buffer, then
  // on_read(error_code); the new bytes are then at the end of received().
  template <typename OnRead>
  void read(OnRead on_read) {
    if (reading_) return;
    reading_ = true;
    transport_.async_read_some(boost::asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                               [this, on_read](const boost::system::error_code& ec, std::size_t n) mutable {
                                 reading_ = false;
                                 if (!ec) in_used_ += n;
                                 on_read(ec);
                               });
  }
  std::string_view received() const noexcept { return {in_.data(), in_used_}; }
  // The first `n` bytes of received() are parsed: they make room for the next read.
  void consume(std::size_t n) noexcept {
    if (n == 0) return;
    std::memmove(in_.data(), in_.data() + n, in_used_ - n);
    in_used_ -= n;
  }

 private:
  client::Transport transport_;
  bool reading_ = false;
  bool writing_ = false;
  std::vector<char> out_;      // requests not yet handed to the socket
  std::vector<char> sending_;  // bytes of an asynchronous write in progress
  std::vector<char> in_;       // received bytes not yet parsed
  std::size_t in_used_ = 0;
};

}  // namespace loadgen
