#include "reply_checker.h"

#include <array>
#include <charconv>

namespace memstripe::fuzz {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// A decimal that fits in 64 bits, as memcached prints numbers (no sign, no spaces).
bool decimal(std::string_view text, std::uint64_t& value) {
  if (text.empty() || text.size() > 20) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc{} && end == text.data() + text.size();
}

// Splits at single spaces; false when a field is empty (two spaces, a leading or a
// trailing one) or there are more than `fields.size()`.
template <std::size_t N>
bool split_fields(std::string_view text, std::array<std::string_view, N>& fields, std::size_t& count) {
  count = 0;
  while (true) {
    const std::size_t space = text.find(' ');
    const std::string_view field = text.substr(0, space);
    if (field.empty() || count == N) return false;
    fields[count++] = field;
    if (space == std::string_view::npos) return true;
    text.remove_prefix(space + 1);
  }
}

constexpr std::array<std::string_view, 16> kFixedLines = {
    "STORED", "NOT_STORED", "EXISTS", "NOT_FOUND", "DELETED", "TOUCHED", "END", "OK",
    "RESET", "ERROR", "MN", "EN", "NS", "EX", "NF", "HD"};
constexpr std::array<std::string_view, 5> kMetaCodesWithFlags = {"HD ", "EN ", "NS ", "EX ", "NF "};
constexpr std::array<std::string_view, 8> kMessagePrefixes = {
    "ERROR ", "ERROR:", "CLIENT_ERROR ", "SERVER_ERROR ", "VERSION ", "MEMLIMIT_TOO_SMALL ",
    "MEMLIMIT_ADJUST_FAILED ", "BADCLASS "};

}  // namespace

bool ReplyChecker::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message) + " (after " + std::to_string(bytes_) + " bytes)";
  return false;
}

bool ReplyChecker::at_reply_boundary() const noexcept {
  return error_.empty() && partial_.empty() && block_left_ == 0 && expect_ == Expect::kAny;
}

bool ReplyChecker::feed(std::string_view bytes) {
  if (!error_.empty()) return false;
  while (!bytes.empty()) {
    if (block_left_ > 0) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(block_left_, bytes.size()));
      const std::string_view part = bytes.substr(0, n);
      // The block's last two bytes must be its "\r\n".
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t position = block_size_ + 2 - block_left_ + i;
        if (position == block_size_ && part[i] != '\r') return fail("a data block not followed by \\r\\n");
        if (position == block_size_ + 1 && part[i] != '\n') return fail("a data block not followed by \\r\\n");
      }
      digest_.add(part);
      bytes_ += n;
      block_left_ -= n;
      bytes.remove_prefix(n);
      if (block_left_ == 0 && !after_block_get_) ++replies_;
      continue;
    }
    const std::size_t newline = bytes.find('\n');
    const std::string_view piece = bytes.substr(0, newline);
    if (partial_.size() + piece.size() > kMaxLine) return fail("a reply line longer than " + std::to_string(kMaxLine));
    partial_.append(piece);
    bytes_ += piece.size();
    if (newline == std::string_view::npos) return true;
    ++bytes_;
    bytes.remove_prefix(newline + 1);
    std::string text = std::move(partial_);
    partial_.clear();
    const bool crlf = !text.empty() && text.back() == '\r';
    if (crlf) text.pop_back();
    // Statistics' values are left out of the digest: some depend on the machine (rusage),
    // some on when earlier replies left (an item a queued reply still holds is in use, as
    // memcached counts it), so the same input split differently may report other figures.
    std::string_view digested = text;
    if (starts_with(text, "STAT ")) digested = digested.substr(0, digested.rfind(' '));
    digest_.add(digested);
    digest_.add(crlf ? "\r\n" : "\n");
    if (!line(text, crlf)) return false;
  }
  return true;
}

bool ReplyChecker::meta_flags(std::string_view flags) {
  // Each flag a letter, perhaps with a token after it, one space between flags.
  while (true) {
    const std::size_t space = flags.find(' ');
    const std::string_view flag = flags.substr(0, space);
    if (flag.empty()) return fail("an empty meta flag");
    const char c = flag.front();
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return fail("a meta flag that is not a letter");
    if (space == std::string_view::npos) return true;
    flags.remove_prefix(space + 1);
  }
}

bool ReplyChecker::line(std::string_view text, bool crlf) {
  const bool item_line = starts_with(text, "key=");
  if (!crlf) {
    // memcached ends `lru_crawler metadump` lines with a bare newline; nothing else.
    if (!item_line) return fail("a reply line not ended by \\r\\n: " + std::string(text.substr(0, 80)));
  } else if (item_line) {
    return fail("a metadump line ended by \\r\\n");
  }

  if (starts_with(text, "VALUE ")) {
    if (expect_ == Expect::kListingContinues) return fail("VALUE inside a listing");
    std::array<std::string_view, 5> f;
    std::size_t count = 0;
    std::uint64_t flags = 0, length = 0, cas = 0;
    if (!split_fields(text, f, count) || count < 4 || !decimal(f[2], flags) || flags > UINT32_MAX ||
        !decimal(f[3], length) || (count == 5 && !decimal(f[4], cas))) {
      return fail("a malformed VALUE line: " + std::string(text.substr(0, 300)));
    }
    if (f[1].size() > 250) return fail("a VALUE line with a key over 250 bytes");
    block_size_ = length;
    block_left_ = length + 2;
    after_block_get_ = true;
    expect_ = Expect::kGetContinues;
    return true;
  }
  if (expect_ == Expect::kGetContinues) {
    if (text != "END") return fail("a get's VALUEs not ended by END: " + std::string(text.substr(0, 80)));
    expect_ = Expect::kAny;
    ++replies_;
    return true;
  }

  const char kind = starts_with(text, "STAT ") ? 'S' : starts_with(text, "ITEM ") ? 'I' : item_line ? 'k' : 0;
  if (expect_ == Expect::kListingContinues) {
    if (text == "END") {
      expect_ = Expect::kAny;
      ++replies_;
      return true;
    }
    if (kind != listing_) return fail("a listing not ended by END: " + std::string(text.substr(0, 80)));
    return true;
  }
  if (kind != 0) {
    listing_ = kind;
    expect_ = Expect::kListingContinues;
    return true;
  }

  ++replies_;
  for (std::string_view fixed : kFixedLines) {
    if (text == fixed) return true;
  }
  for (std::string_view code : kMetaCodesWithFlags) {
    if (starts_with(text, code)) return meta_flags(text.substr(code.size()));
  }
  if (starts_with(text, "VA ")) {
    --replies_;  // counted when its block is in
    std::string_view rest = text.substr(3);
    const std::size_t space = rest.find(' ');
    std::uint64_t length = 0;
    if (!decimal(rest.substr(0, space), length)) return fail("a malformed VA line: " + std::string(text.substr(0, 80)));
    if (space != std::string_view::npos && !meta_flags(rest.substr(space + 1))) return false;
    block_size_ = length;
    block_left_ = length + 2;
    after_block_get_ = false;
    return true;
  }
  if (starts_with(text, "ME ")) return text.size() > 3 || fail("an empty ME line");
  for (std::string_view prefix : kMessagePrefixes) {
    if (starts_with(text, prefix)) return true;
  }
  std::uint64_t number = 0;
  if (decimal(text, number)) return true;  // incr/decr
  return fail("a line memcached never sends: " + std::string(text.substr(0, 120)));
}

}  // namespace memstripe::fuzz
