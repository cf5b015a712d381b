#include "cache_aside_connection.h"

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
      channel_(io, static_cast<std::size_t>(options.value_cap) + client::TextReplyReader::kMaxLine + kReceiveSlack),
      parser_(writer, values, !options.replays_trace()) {}

bool CacheAsideConnection::connect(const client::SocketAddress& address) {
  if (channel_.transport().connect(address)) {
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
    writer_.append_get(p.request, channel_.out());
    in_flight_.push_back(p);
    ++gets_in_flight_;
  }
}

void CacheAsideConnection::flush() {
  channel_.flush([this] { fail(); });
}

void CacheAsideConnection::read() {
  if (running_) channel_.read([this](const boost::system::error_code& ec) { on_read(ec); });
}

void CacheAsideConnection::on_read(const boost::system::error_code& ec) {
  if (ec) {
    if (ec != boost::asio::error::operation_aborted && running_) fail();
    return;
  }
  const Nanos now = now_ns();
  const std::string_view received = channel_.received();
  std::size_t pos = 0;
  while (!in_flight_.empty()) {
    const Pending& p = in_flight_.front();
    std::size_t consumed = 0;
    CacheAsideOutcome outcome;
    const auto status =
        parser_.parse(p.is_set, p.request, received.substr(pos), consumed, outcome);
    pos += consumed;
    if (status == ParseStatus::kNeedMore) break;
    if (status == ParseStatus::kMalformed) {
      ++stats_.malformed;
      return drop();
    }
    complete(outcome, now);
  }
  if (in_flight_.empty() && pos < received.size()) {
    ++stats_.malformed;  // bytes nobody asked for
    return drop();
  }
  channel_.consume(pos);
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
    writer_.append_set(set.request, channel_.out());
    in_flight_.push_back(set);
  }
}

void CacheAsideConnection::finish_if_done() {
  if (running_ && in_flight_.empty() && channel_.all_sent() && feed_.exhausted()) stop();
}

void CacheAsideConnection::stop() {
  running_ = false;
  if (on_stop_) on_stop_();
  channel_.transport().cancel();
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
  channel_.transport().close();
}

}  // namespace loadgen
