#include "trace_reader.h"

#include <array>
#include <string_view>
#include <utility>

#include "client/numbers.h"

namespace loadgen {

namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

template <typename T>
T little_endian(const unsigned char* p) noexcept {
  std::uint64_t v = 0;
  for (std::size_t i = sizeof(T); i-- > 0;) v = (v << 8) | p[i];
  return static_cast<T>(v);
}

}  // namespace

std::uint64_t trace_key_id(std::string_view key) noexcept {
  std::uint64_t id = 0;
  if (client::parse_integer(key, id)) return id;
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : key) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

TraceReader::TraceReader(const std::string& path, TraceFormat format, std::uint32_t value_cap,
                         std::uint32_t default_ttl)
    : in_(path, std::ios::binary), format_(format), value_cap_(value_cap), default_ttl_(default_ttl) {
  if (!in_) error_ = "cannot open " + path;
}

bool TraceReader::fail(std::string why) {
  if (format_ == TraceFormat::kCsv) why = "line " + std::to_string(line_number_) + ": " + why;
  error_ = std::move(why);
  return false;
}

bool TraceReader::take(std::uint64_t size, CacheAsideRequest& out) {
  if (size == 0) {
    ++skipped_;
    return false;
  }
  if (size > value_cap_) {
    ++capped_;
    size = value_cap_;
  }
  out.value_size = static_cast<std::uint32_t>(size);
  out.key_class = KeyClass::kTrace;
  out.scan_phase = ScanPhase::kBefore;
  ++records_;
  return true;
}

bool TraceReader::next(CacheAsideRequest& out) {
  if (!error_.empty()) return false;
  return format_ == TraceFormat::kCsv ? next_csv(out) : next_oracle_general(out);
}

bool TraceReader::next_csv(CacheAsideRequest& out) {
  while (std::getline(in_, line_)) {
    ++line_number_;
    const std::string_view line = trim(line_);
    if (line.empty() || line.front() == '#') continue;
    std::array<std::string_view, 4> fields;
    std::size_t count = 0;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      if (count == fields.size()) return fail("more than 4 fields (time,key,size[,ttl])");
      fields[count++] = trim(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    double time = 0;
    const bool first = std::exchange(first_record_line_, false);
    if (!client::parse_finite(fields[0], time)) {
      if (first) continue;  // a header
      return fail("the time is not a number");
    }
    if (count < 3) return fail("needs time,key,size[,ttl]");
    const std::string_view key = fields[1];
    if (key.empty()) return fail("an empty key");
    std::uint64_t size = 0;
    if (!client::parse_integer(fields[2], size)) return fail("the size is not a number");
    std::uint32_t ttl = default_ttl_;
    if (count == 4 && !fields[3].empty() && (!client::parse_integer(fields[3], ttl) || ttl > kMaxRelativeTtl))
      return fail("the ttl is not a number of seconds up to 30 days");
    out.key = trace_key_id(key);
    out.ttl = ttl;
    if (take(size, out)) return true;
  }
  if (in_.bad()) return fail("read error");
  return false;
}

bool TraceReader::next_oracle_general(CacheAsideRequest& out) {
  std::array<unsigned char, kOracleGeneralRecord> record;
  for (;;) {
    in_.read(reinterpret_cast<char*>(record.data()), record.size());
    const auto got = static_cast<std::size_t>(in_.gcount());
    if (got == 0) return false;
    if (got != record.size())
      return fail("a trailing record of " + std::to_string(got) + " bytes (records are 24)");
    out.key = little_endian<std::uint64_t>(record.data() + 4);
    out.ttl = default_ttl_;
    if (take(little_endian<std::uint32_t>(record.data() + 12), out)) return true;
  }
}

}  // namespace loadgen
