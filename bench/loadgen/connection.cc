#include "connection.h"

#include <chrono>
#include <utility>

namespace loadgen {

namespace {
// Sets kept in flight per connection while pre-filling.
constexpr unsigned kFillDepth = 64;
// The receive buffer: a reply line never exceeds ReplyParser::kMaxLine (a binary response's
// head kMaxBinaryHead) and values are skipped as they stream by, so any reply fits through
// a fixed buffer.
constexpr std::size_t kReceiveBuffer = 64 * 1024;
static_assert(ReplyParser::kMaxLine < kReceiveBuffer && ReplyParser::kMaxBinaryHead < kReceiveBuffer);
constexpr std::size_t kSendReserveMax = 4 * 1024 * 1024;
}  // namespace

Connection::Connection(boost::asio::io_context& io, const Options& options,
                       const RequestWriter& writer, unsigned id, RunStats& stats)
    : options_(options),
      writer_(writer),
      id_(id),
      stats_(&stats),
      channel_(io, kReceiveBuffer),
      schedule_timer_(io),
      keys_(options, options.seed * 0x9e3779b97f4a7c15ULL + id),
      parser_(options.key_size, static_cast<long>(options.value_size), options.protocol),
      capacity_(std::max(options.max_in_flight(), kFillDepth)),
      width_(options.multiget),
      sent_at_(capacity_),
      kind_(capacity_),
      key_count_(capacity_),
      ring_keys_(static_cast<std::size_t>(capacity_) * width_) {
  if (options.tls_context) channel_.transport().use_tls(options.tls_context, options.endpoint.host);
  channel_.reserve_send(std::min(kSendReserveMax, capacity_ * writer_.max_request_size(width_)));
}

bool Connection::connect(const client::SocketAddress& address) {
  address_ = address;
  if (channel_.transport().connect(address)) {
    ++stats_->counters.connection_errors;
    broken_ = true;
    return false;
  }
  return true;
}

void Connection::start(const Phase& phase, RunStats& stats, std::function<void()> on_stop) {
  if (broken_) return;
  phase_ = phase;
  stats_ = &stats;
  on_stop_ = std::move(on_stop);
  running_ = true;
  sent_ = counted_ = 0;
  next_fill_ = phase.fill_begin;
  op_cycle_ = id_;  // connections start at different points of the set:get cycle
  if (phase.kind == Phase::Kind::kLoad && options_.open_loop()) {
    const double per_connection = options_.rate / options_.connections;
    interval_ = static_cast<Nanos>(1e9 / per_connection);
    // Stagger the connections' schedules evenly over one interval.
    next_send_ = phase.start + static_cast<Nanos>(id_ * (1e9 / options_.rate));
  }
  const Nanos now = now_ns();
  send_due(now);
  finish_if_done(now);
  read();
}

bool Connection::open_loop() const noexcept {
  return phase_.kind == Phase::Kind::kLoad && options_.open_loop();
}

bool Connection::has_more_to_send(Nanos now) const noexcept {
  if (phase_.kind == Phase::Kind::kFill) return next_fill_ < phase_.fill_end;
  if (counted_ >= phase_.quota) return false;
  return (open_loop() ? next_send_ : now) < phase_.stop_at;
}

void Connection::send_due(Nanos now) {
  if (!running_) return;
  if (open_loop()) {
    while (in_flight_ < capacity_ && next_send_ <= now && has_more_to_send(now)) {
      if (next_send_ >= phase_.record_from) stats_->send_lag.record(static_cast<std::uint64_t>(now - next_send_));
      append_request(next_send_);
      next_send_ += interval_;
    }
    arm_schedule();
  } else {
    const unsigned depth = phase_.kind == Phase::Kind::kFill ? capacity_ : options_.pipeline;
    if (options_.batch && in_flight_ > 0) return;
    while (in_flight_ < depth && has_more_to_send(now)) append_request(now);
  }
  flush();
}

void Connection::append_request(Nanos scheduled) {
  unsigned slot = head_ + in_flight_;
  if (slot >= capacity_) slot -= capacity_;
  std::uint32_t* keys = &ring_keys_[static_cast<std::size_t>(slot) * width_];
  if (phase_.kind == Phase::Kind::kFill) {
    keys[0] = static_cast<std::uint32_t>(next_fill_++);
    kind_[slot] = RequestKind::kSet;
    key_count_[slot] = 1;
    next_opaque_ += writer_.append_set(keys[0], channel_.out(), next_opaque_);
  } else if (op_cycle_++ % (options_.set_ratio + options_.get_ratio) < options_.set_ratio) {
    keys[0] = static_cast<std::uint32_t>(keys_.next());
    kind_[slot] = RequestKind::kSet;
    key_count_[slot] = 1;
    next_opaque_ += writer_.append_set(keys[0], channel_.out(), next_opaque_);
  } else {
    for (unsigned i = 0; i < width_; ++i) keys[i] = static_cast<std::uint32_t>(keys_.next());
    kind_[slot] = RequestKind::kGet;
    key_count_[slot] = static_cast<std::uint8_t>(width_);
    next_opaque_ += writer_.append_get({keys, width_}, channel_.out(), next_opaque_);
  }
  sent_at_[slot] = scheduled;
  ++in_flight_;
  ++sent_;
  if (scheduled >= phase_.record_from) ++counted_;
}

void Connection::flush() {
  channel_.flush([this] { fail(); });
}

void Connection::read() {
  if (running_) channel_.read([this](const boost::system::error_code& ec) { on_read(ec); });
}

void Connection::on_read(const boost::system::error_code& ec) {
  if (ec) {
    if (ec != boost::asio::error::operation_aborted && running_) fail();
    return;
  }
  const std::string_view received = channel_.received();
  // One timestamp for every reply in this read: they all arrived together.
  const Nanos now = now_ns();
  std::size_t pos = 0;
  while (in_flight_ > 0) {
    const std::size_t slot_keys = static_cast<std::size_t>(head_) * width_;
    std::size_t consumed = 0;
    ReplyOutcome outcome;
    const auto status = parser_.parse(kind_[head_], {&ring_keys_[slot_keys], key_count_[head_]},
                                      received.substr(pos), consumed, outcome);
    pos += consumed;
    if (status == ReplyParser::Status::kNeedMore) break;
    if (status == ReplyParser::Status::kMalformed) {
      ++stats_->counters.malformed;
      return drop();
    }
    complete(outcome, now);
  }
  if (in_flight_ == 0 && pos < received.size()) {
    ++stats_->counters.malformed;  // bytes nobody asked for
    return drop();
  }
  channel_.consume(pos);
  if (options_.connection_per_request && phase_.kind == Phase::Kind::kLoad && in_flight_ == 0 &&
      !channel_.writing() && has_more_to_send(now))
    return reconnect();
  send_due(now);
  finish_if_done(now);
  read();
}

void Connection::complete(const ReplyOutcome& outcome, Nanos now) {
  const unsigned slot = head_;
  if (++head_ == capacity_) head_ = 0;
  --in_flight_;
  Counters& c = stats_->counters;
  if (phase_.kind == Phase::Kind::kLoad) ++stats_->all_replies;
  const bool measured = phase_.kind == Phase::Kind::kLoad && now >= phase_.record_from &&
                        (phase_.quota != Phase::kNoQuota || now < phase_.stop_at);
  if (!measured) {
    // Pre-fill and warmup replies are not timed, but their errors still count.
    if (outcome.error != ReplyError::kNone && phase_.kind == Phase::Kind::kFill)
      ++c.reply_errors[static_cast<std::size_t>(outcome.error)];
    return;
  }
  ++c.requests;
  if (kind_[slot] == RequestKind::kGet) {
    ++c.gets;
    c.keys += key_count_[slot];
    c.hits += outcome.hits;
    c.misses += outcome.misses;
  } else {
    ++c.sets;
  }
  ++c.reply_errors[static_cast<std::size_t>(outcome.error)];
  stats_->latency.record(static_cast<std::uint64_t>(now - sent_at_[slot]));
  stats_->last_reply_ns = now;
}

void Connection::reconnect() {
  channel_.transport().close();
  channel_.transport().async_connect(address_, [this](const boost::system::error_code& ec) {
    if (!running_) return;
    if (ec) return fail();
    const Nanos now = now_ns();
    send_due(now);
    finish_if_done(now);
    read();
  });
}

void Connection::arm_schedule() {
  if (schedule_armed_ || !running_ || in_flight_ >= capacity_ || !has_more_to_send(next_send_)) return;
  schedule_armed_ = true;
  schedule_timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(next_send_)));
  schedule_timer_.async_wait([this](const boost::system::error_code& ec) {
    schedule_armed_ = false;
    if (ec || !running_) return;
    const Nanos now = now_ns();
    send_due(now);
    finish_if_done(now);
  });
}

void Connection::finish_if_done(Nanos now) {
  if (running_ && in_flight_ == 0 && !has_more_to_send(now)) stop();
}

void Connection::stop() {
  running_ = false;
  if (on_stop_) on_stop_();
  // Cancelling (not closing) ends the pending read so the event loop can return, and
  // keeps the connection for the next phase.
  schedule_timer_.cancel();
  channel_.transport().cancel();
}

void Connection::abort() {
  if (running_) drop();
}

void Connection::fail() {
  if (broken_) return;  // a write and a read can both report the same loss
  ++stats_->counters.connection_errors;
  drop();
}

void Connection::drop() {
  // A connection whose replies can no longer be matched to requests is of no further use.
  stats_->counters.unanswered += in_flight_;
  in_flight_ = 0;
  broken_ = true;
  if (std::exchange(running_, false) && on_stop_) on_stop_();
  schedule_timer_.cancel();
  channel_.transport().close();
}

}  // namespace loadgen
