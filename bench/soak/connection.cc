#include "connection.h"

#include <array>
#include <boost/asio/buffer.hpp>
#include <algorithm>
#include <cmath>

namespace soak {
namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

struct Weighted {
  Op op;
  unsigned weight;
};
// The mix of requests; a cas follows a gets that hit, most of the time, outside this table.
constexpr std::array<Weighted, 15> kMix = {{
    {Op::kGet, 20}, {Op::kMultiGet, 5}, {Op::kGets, 6}, {Op::kGat, 3}, {Op::kSet, 16},
    {Op::kAdd, 3}, {Op::kReplace, 3}, {Op::kAppend, 5}, {Op::kPrepend, 3}, {Op::kDelete, 4},
    {Op::kIncr, 4}, {Op::kDecr, 2}, {Op::kTouch, 3}, {Op::kMetaGet, 10}, {Op::kMetaSet, 10},
}};

bool one_of(client::ReplyCode code, std::initializer_list<client::ReplyCode> codes) {
  for (client::ReplyCode c : codes) {
    if (code == c) return true;
  }
  return false;
}

}  // namespace

Connection::Connection(const Options& options, const client::Endpoint& endpoint, const client::SocketAddress& address,
                       boost::asio::io_context& io, const ValuePattern& pattern, Counters& counters,
                       std::uint64_t seed, Clock::time_point deadline, std::function<void()> on_finished)
    : options_(options),
      endpoint_(endpoint),
      address_(address),
      pattern_(pattern),
      counters_(counters),
      rng_(seed),
      deadline_(deadline),
      on_finished_(std::move(on_finished)),
      transport_(io) {}

void Connection::start() { connect(); }

void Connection::connect() {
  transport_.close();
  transport_.async_connect(address_, [this](const boost::system::error_code& error) {
    if (finished_) return;
    if (error) {
      counters_.problem(counters_.connection_errors, "connect to " + endpoint_.name() + ": " + error.message());
      return finish();  // no server there: do not hammer it
    }
    next_request();
  });
}

std::size_t Connection::value_size() {
  // Mostly small, often a few KiB, sometimes up to the maximum: log-uniform within each band.
  const std::size_t max = options_.max_value;
  std::uniform_real_distribution<double> unit(0, 1);
  const double band = unit(rng_);
  double low, high;
  if (band < 0.5) {
    low = 0, high = 1024;
  } else if (band < 0.85) {
    low = 1024, high = 64 * 1024;
  } else {
    low = 64 * 1024, high = static_cast<double>(max);
  }
  high = std::min(high, static_cast<double>(max));
  low = std::min(low, high);
  if (low == 0) return std::uniform_int_distribution<std::size_t>(0, static_cast<std::size_t>(high))(rng_);
  const double size = low * std::pow(high / low, unit(rng_));
  return std::min(max, static_cast<std::size_t>(size));
}

std::string Connection::pick_key(KeyKind kind) {
  std::uint32_t count = kind == KeyKind::kPlain ? options_.plain_keys
                        : kind == KeyKind::kAppend ? options_.append_keys
                                                   : options_.counter_keys;
  return key_name(kind, std::uniform_int_distribution<std::uint32_t>(0, count - 1)(rng_));
}

void Connection::request_line(std::string line, ReplyKind kind) {
  send_head_ = std::move(line);
  send_value_ = {};
  reply_kind_ = kind;
}

void Connection::request_store(const char* command, const std::string& key, std::uint32_t flags,
                               std::string_view value, const std::string& extra) {
  send_head_ = std::string(command) + " " + key + " " + std::to_string(flags) + " 0 " + std::to_string(value.size()) +
               extra + "\r\n";
  send_value_ = value;
  reply_kind_ = ReplyKind::kLine;
  counters_.bytes_written += value.size();
}

void Connection::next_request() {
  if (Clock::now() >= deadline_) return finish();
  keys_.clear();
  std::uniform_int_distribution<unsigned> percent(0, 99);
  auto any_kind = [&] {
    const unsigned p = percent(rng_);
    return p < 80 ? KeyKind::kPlain : p < 92 ? KeyKind::kAppend : KeyKind::kCounter;
  };
  auto version = [&] { return std::uniform_int_distribution<std::uint32_t>(0, (1u << 20) - 1)(rng_); };

  if (!cas_key_.empty() && percent(rng_) < 70) {
    op_ = Op::kCas;
  } else {
    unsigned total = 0;
    for (const Weighted& w : kMix) total += w.weight;
    unsigned pick = std::uniform_int_distribution<unsigned>(0, total - 1)(rng_);
    for (const Weighted& w : kMix) {
      if (pick < w.weight) {
        op_ = w.op;
        break;
      }
      pick -= w.weight;
    }
  }
  ++counters_.ops[static_cast<std::size_t>(op_)];

  switch (op_) {
    case Op::kGet:
    case Op::kGat: {
      keys_.push_back(pick_key(any_kind()));
      request_line((op_ == Op::kGet ? "get " : "gat 0 ") + keys_[0] + "\r\n", ReplyKind::kRetrieve);
      break;
    }
    case Op::kMultiGet: {
      const unsigned n = std::uniform_int_distribution<unsigned>(2, 8)(rng_);
      std::string line = "get";
      while (keys_.size() < n) {
        std::string key = pick_key(any_kind());
        if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
        line += " " + key;
        keys_.push_back(std::move(key));
      }
      request_line(line + "\r\n", ReplyKind::kRetrieve);
      break;
    }
    case Op::kGets:
      keys_.push_back(pick_key(KeyKind::kPlain));
      request_line("gets " + keys_[0] + "\r\n", ReplyKind::kRetrieve);
      break;
    case Op::kSet: {
      const unsigned p = percent(rng_);
      if (p < 75) {
        keys_.push_back(pick_key(KeyKind::kPlain));
        const std::uint32_t flags = ValuePattern::plain_flags(keys_[0], version());
        request_store("set", keys_[0], flags, pattern_.plain_value(keys_[0], flags, value_size()));
      } else if (p < 90) {
        keys_.push_back(pick_key(KeyKind::kAppend));
        segment_.clear();
        const unsigned segments = std::uniform_int_distribution<unsigned>(0, 2)(rng_);
        for (unsigned i = 0; i < segments; ++i) {
          segment_ += pattern_.segment(keys_[0], std::uniform_int_distribution<std::size_t>(0, 2048)(rng_));
        }
        request_store("set", keys_[0], ValuePattern::append_flags(keys_[0]), segment_);
      } else {
        keys_.push_back(pick_key(KeyKind::kCounter));
        segment_ = std::to_string(std::uniform_int_distribution<std::uint64_t>(0, 1u << 30)(rng_));
        request_store("set", keys_[0], ValuePattern::counter_flags(keys_[0]), segment_);
      }
      break;
    }
    case Op::kAdd:
    case Op::kReplace: {
      keys_.push_back(pick_key(KeyKind::kPlain));
      const std::uint32_t flags = ValuePattern::plain_flags(keys_[0], version());
      request_store(op_ == Op::kAdd ? "add" : "replace", keys_[0], flags,
                    pattern_.plain_value(keys_[0], flags, value_size()));
      break;
    }
    case Op::kCas: {
      keys_.push_back(cas_key_);
      cas_key_.clear();
      const std::uint32_t flags = ValuePattern::plain_flags(keys_[0], version());
      request_store("cas", keys_[0], flags, pattern_.plain_value(keys_[0], flags, value_size()),
                    " " + std::to_string(cas_unique_));
      break;
    }
    case Op::kAppend:
    case Op::kPrepend:
      keys_.push_back(pick_key(KeyKind::kAppend));
      segment_ = pattern_.segment(keys_[0], std::uniform_int_distribution<std::size_t>(0, ValuePattern::kMaxSegment)(rng_));
      request_store(op_ == Op::kAppend ? "append" : "prepend", keys_[0], 0, segment_);
      break;
    case Op::kDelete:
      keys_.push_back(pick_key(any_kind()));
      request_line("delete " + keys_[0] + "\r\n", ReplyKind::kLine);
      break;
    case Op::kIncr:
    case Op::kDecr:
      keys_.push_back(pick_key(KeyKind::kCounter));
      request_line((op_ == Op::kIncr ? "incr " : "decr ") + keys_[0] + " " +
                       std::to_string(std::uniform_int_distribution<unsigned>(1, 1000)(rng_)) + "\r\n",
                   ReplyKind::kLine);
      break;
    case Op::kTouch:
      keys_.push_back(pick_key(any_kind()));
      request_line("touch " + keys_[0] + " 0\r\n", ReplyKind::kLine);
      break;
    case Op::kMetaGet:
      keys_.push_back(pick_key(KeyKind::kPlain));
      request_line("mg " + keys_[0] + " v f\r\n", ReplyKind::kMetaGet);
      break;
    case Op::kMetaSet: {
      keys_.push_back(pick_key(KeyKind::kPlain));
      const std::uint32_t flags = ValuePattern::plain_flags(keys_[0], version());
      const std::string_view value = pattern_.plain_value(keys_[0], flags, value_size());
      send_head_ = "ms " + keys_[0] + " " + std::to_string(value.size()) + " F" + std::to_string(flags) + " T0\r\n";
      send_value_ = value;
      reply_kind_ = ReplyKind::kLine;
      counters_.bytes_written += value.size();
      break;
    }
    case Op::kCount: break;
  }
  send();
}

void Connection::send() {
  in_flight_ = true;
  static constexpr std::string_view kCrlf = "\r\n";
  const bool has_block = op_ == Op::kSet || op_ == Op::kAdd || op_ == Op::kReplace || op_ == Op::kCas ||
                         op_ == Op::kAppend || op_ == Op::kPrepend || op_ == Op::kMetaSet;
  const std::array<boost::asio::const_buffer, 3> buffers = {
      boost::asio::buffer(send_head_), boost::asio::buffer(send_value_.data(), send_value_.size()),
      boost::asio::buffer(kCrlf.data(), has_block ? kCrlf.size() : 0)};
  transport_.async_write(buffers, [this](const boost::system::error_code& ec, std::size_t) {
    if (ec) return fail("write: " + ec.message());
    read();
  });
}

void Connection::read() {
  if (received_.size() - received_end_ < kReadChunk) received_.resize(received_end_ + kReadChunk);
  transport_.async_read_some(
      boost::asio::buffer(received_.data() + received_end_, received_.size() - received_end_),
      [this](const boost::system::error_code& ec, std::size_t n) {
        if (finished_) return;
        if (ec) return fail("read: " + ec.message());
        received_end_ += n;
        const Reply reply = read_reply(reply_kind_, std::string_view(received_.data(), received_end_));
        if (reply.status == Reply::Status::kNeedMore) return read();
        if (reply.status == Reply::Status::kMalformed) {
          counters_.problem(counters_.protocol_errors, std::string(kOpNames[static_cast<std::size_t>(op_)]) + " " +
                                                           (keys_.empty() ? "" : keys_[0]) + ": " + reply.error);
          return fail({});
        }
        in_flight_ = false;
        ++counters_.replies;
        on_reply(reply);
        const std::size_t left = received_end_ - reply.consumed;
        if (left != 0) {
          // One request in flight: anything after its reply was never asked for.
          counters_.problem(counters_.protocol_errors,
                            "bytes after the reply to " + send_head_.substr(0, 60) + ": " +
                                std::string(received_.data() + reply.consumed, std::min<std::size_t>(left, 60)));
          return fail({});
        }
        received_end_ = 0;
        if (received_.size() > 4 * kReadChunk) received_.resize(kReadChunk), received_.shrink_to_fit();
        next_request();
      });
}

void Connection::on_reply(const Reply& reply) {
  using Code = client::ReplyCode;
  const std::string_view line = reply.line;
  auto unexpected = [&] {
    counters_.problem(counters_.protocol_errors, "unexpected reply to " + send_head_.substr(0, 80) + ": " +
                                                     std::string(line.substr(0, 120)));
  };
  // Under churn a server may refuse a store for want of memory: memstripe and memcached say
  // "SERVER_ERROR out of memory storing object", memcached also "SERVER_ERROR Out of memory
  // during read" (a large value it could not find room for while reading it).
  auto refused = [&] {
    return line.starts_with("SERVER_ERROR out of memory") || line.starts_with("SERVER_ERROR Out of memory");
  };

  switch (op_) {
    case Op::kGet:
    case Op::kMultiGet:
    case Op::kGets:
    case Op::kGat: {
      if (reply.code != Code::kEnd) return unexpected();
      std::size_t next = 0;  // VALUEs come in the order asked, each key once
      for (const ReceivedValue& v : reply.values) {
        while (next < keys_.size() && keys_[next] != v.key) ++next;
        if (next == keys_.size()) {
          counters_.problem(counters_.protocol_errors, "a VALUE for " + std::string(v.key) + " not asked for (or out "
                                                       "of order) in " + send_head_.substr(0, 120));
          return;
        }
        ++next;
        ++counters_.reads_checked;
        counters_.bytes_read += v.data.size();
        if (!pattern_.value_ok(v.key, v.flags, v.data)) {
          counters_.problem(counters_.corrupt, "corrupt value of " + std::string(v.key) + ": flags " +
                                                   std::to_string(v.flags) + ", " + std::to_string(v.data.size()) +
                                                   " bytes");
        }
        if (op_ == Op::kGets && v.cas != 0) {
          cas_key_ = std::string(v.key);
          cas_unique_ = v.cas;
        }
      }
      counters_.misses += keys_.size() - reply.values.size();
      return;
    }
    case Op::kMetaGet: {
      if (reply.code == Code::kMetaMiss) {
        ++counters_.misses;
        return;
      }
      if (reply.values.size() != 1) return unexpected();
      const ReceivedValue& v = reply.values.front();
      ++counters_.reads_checked;
      counters_.bytes_read += v.data.size();
      if (!pattern_.value_ok(keys_[0], v.flags, v.data)) {
        counters_.problem(counters_.corrupt, "corrupt value of " + keys_[0] + " (mg): flags " +
                                                 std::to_string(v.flags) + ", " + std::to_string(v.data.size()) +
                                                 " bytes");
      }
      return;
    }
    case Op::kSet:
      if (reply.code == Code::kStored) return;
      if (refused()) return void(++counters_.refused);
      return unexpected();
    case Op::kMetaSet:
      if (reply.code == Code::kMetaHit) return;
      if (refused()) return void(++counters_.refused);
      return unexpected();
    case Op::kAdd:
    case Op::kReplace:
    case Op::kAppend:
    case Op::kPrepend:
      if (one_of(reply.code, {Code::kStored, Code::kNotStored})) return;
      if (refused()) return void(++counters_.refused);
      return unexpected();
    case Op::kCas:
      if (one_of(reply.code, {Code::kStored, Code::kExists, Code::kNotFound})) return;
      if (refused()) return void(++counters_.refused);
      return unexpected();
    case Op::kDelete:
      if (one_of(reply.code, {Code::kDeleted, Code::kNotFound})) return;
      return unexpected();
    case Op::kTouch:
      if (one_of(reply.code, {Code::kTouched, Code::kNotFound})) return;
      return unexpected();
    case Op::kIncr:
    case Op::kDecr:
      if (one_of(reply.code, {Code::kNotFound, Code::kNumber})) return;
      if (refused()) return void(++counters_.refused);
      return unexpected();
    case Op::kCount: return;
  }
}

void Connection::fail(const std::string& what) {
  if (finished_) return;  // abandoned: the handler saw the close
  in_flight_ = false;
  if (!what.empty()) {
    counters_.problem(counters_.connection_errors, endpoint_.name() + ": " + what);
  }
  transport_.close();
  received_end_ = 0;
  cas_key_.clear();
  if (Clock::now() >= deadline_) return finish();
  connect();
}

void Connection::abandon() {
  if (finished_) return;
  if (in_flight_) {
    counters_.problem(counters_.protocol_errors, "no reply in time to " + send_head_.substr(0, 80));
  }
  deadline_ = Clock::now();
  finish();
}

void Connection::finish() {
  if (finished_) return;
  finished_ = true;
  in_flight_ = false;
  transport_.close();
  on_finished_();
}

}  // namespace soak
