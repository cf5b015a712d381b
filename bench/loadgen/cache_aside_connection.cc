#include "cache_aside_connection.h"

#include <boost/asio/buffer.hpp>
#include <cstring>
#include <utility>

namespace loadgen {

namespace {
// A hit's whole value must fit the receive buffer (its reply is checked in one piece),
// with its VALUE line and END; more room lets many small replies come in one read.
constexpr std::size_t kReceiveSlack = 64 * 1024;
}  // namespace

CacheAsideConnection::CacheAsideConnection(boost::asio::io_context& io, const Options& options,
                                           const CacheAsideRequestWriter& writer, const ValuePattern& values,
                                           RequestFeed& feed, HitStats& stats)
    : pipeline_(options.pipeline),
      writer_(writer),
      feed_(feed),
      stats_(stats),
      transport_(io),
      parser_(writer, values, !options.replays_trace()),
      in_(static_cast<std::size_t>(options.value_cap) + client::TextReplyReader::kMaxLine + kReceiveSlack) {}

bool CacheAsideConnection::connect(const client::SocketAddress& address) {
  if (transport_.connect(address)) {
    ++stats_.connection_errors;
    broken_ = true;
    return false;
  }
  return true;
}

void CacheAsideConnection::start(std::function<void()> on_stop) {
  if (broken_) return;
  on_stop_ = std::move(on_stop);
  running_ = true;
  top_up(now_ns());
  flush();
  finish_if_done();
  read();
}

void CacheAsideConnection::top_up(Nanos now) {
  while (gets_in_flight_ < pipeline_) {
    Pending p;
    if (!feed_.next(p.request, p.sequence)) return;
    p.sent_at = now;
    writer_.append_get(p.request, out_);
    in_flight_.push_back(p);
    ++gets_in_flight_;
  }
}

void CacheAsideConnection::flush() {
  if (writing_ || out_.empty()) return;
  boost::system::error_code ec;
  const std::size_t n = transport_.try_write(boost::asio::buffer(out_), ec);
  if (ec) return fail();
  if (n == out_.size()) {
    out_.clear();
    return;
  }
  sending_.assign(out_.begin() + static_cast<std::ptrdiff_t>(n), out_.end());
  out_.clear();
  writing_ = true;
  transport_.async_write(boost::asio::buffer(sending_), [this](const boost::system::error_code& error, std::size_t) {
    writing_ = false;
    if (error) {
      if (error != boost::asio::error::operation_aborted) fail();
      return;
    }
    sending_.clear();
    flush();
  });
}

void CacheAsideConnection::read() {
  if (reading_ || !running_) return;
  reading_ = true;
  transport_.async_read_some(boost::asio::buffer(in_.data() + in_used_, in_.size() - in_used_),
                             [this](const boost::system::error_code& ec, std::size_t n) { on_read(ec, n); });
}

void CacheAsideConnection::on_read(const boost::system::error_code& ec, std::size_t n) {
  reading_ = false;
  if (ec) {
    if (ec != boost::asio::error::operation_aborted && running_) fail();
    return;
  }
  in_used_ += n;
  const Nanos now = now_ns();
  std::size_t pos = 0;
  while (!in_flight_.empty()) {
    const Pending& p = in_flight_.front();
    std::size_t consumed = 0;
    CacheAsideOutcome outcome;
    const auto status =
        parser_.parse(p.is_set, p.request, std::string_view(in_.data() + pos, in_used_ - pos), consumed, outcome);
    pos += consumed;
    if (status == ParseStatus::kNeedMore) break;
    if (status == ParseStatus::kMalformed) {
      ++stats_.malformed;
      return drop();
    }
    complete(outcome, now);
  }
  if (in_flight_.empty() && pos < in_used_) {
    ++stats_.malformed;  // bytes nobody asked for
    return drop();
  }
  if (pos > 0) {
    std::memmove(in_.data(), in_.data() + pos, in_used_ - pos);
    in_used_ -= pos;
  }
  top_up(now);
  flush();
  finish_if_done();
  read();
}

void CacheAsideConnection::complete(const CacheAsideOutcome& outcome, Nanos now) {
  const Pending p = in_flight_.front();
  in_flight_.pop_front();
  ++replies_;
  ++stats_.reply_errors[static_cast<std::size_t>(outcome.error)];
  if (p.is_set) {
    ++stats_.sets;
    return;
  }
  --gets_in_flight_;
  if (outcome.corrupt) ++stats_.corrupt_values;
  stats_.record_get(p.request, p.sequence, feed_.warmup(), outcome.hit, static_cast<std::uint64_t>(now - p.sent_at));
  // Cache-aside: what missed is fetched from the database and stored. A get answered with
  // an error is not a miss: the application would not set after it.
  if (!outcome.hit && outcome.error == ReplyError::kNone) {
    Pending set = p;
    set.is_set = true;
    writer_.append_set(set.request, out_);
    in_flight_.push_back(set);
  }
}

void CacheAsideConnection::finish_if_done() {
  if (running_ && in_flight_.empty() && out_.empty() && !writing_ && feed_.exhausted()) stop();
}

void CacheAsideConnection::stop() {
  running_ = false;
  if (on_stop_) on_stop_();
  transport_.cancel();
}

void CacheAsideConnection::abort() {
  if (running_) drop();
}

void CacheAsideConnection::fail() {
  if (broken_) return;
  ++stats_.connection_errors;
  drop();
}

void CacheAsideConnection::drop() {
  stats_.unanswered += in_flight_.size();
  in_flight_.clear();
  gets_in_flight_ = 0;
  broken_ = true;
  if (std::exchange(running_, false) && on_stop_) on_stop_();
  transport_.close();
}

}  // namespace loadgen
