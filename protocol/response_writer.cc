#include "protocol/response_writer.h"

#include "protocol/responses.h"

namespace memstripe::protocol {
namespace {

// " <flags> <bytes> <cas>\r\n"
constexpr std::size_t kValueSuffixMax = 1 + 10 + 1 + kMaxDecimalDigits + 1 + kMaxDecimalDigits + 2;

}  // namespace

void write_value(OutputQueue& out, const storage::ItemRef& item, bool with_cas) {
  const std::string_view key = item.key();
  const std::string_view value = item.value();
  const bool copy_value = value.size() < OutputQueue::kCopyValuesBelow;
  const std::size_t header_max = reply::kValuePrefix.size() + key.size() + kValueSuffixMax;
  char* const start = out.reserve(header_max + (copy_value ? value.size() + reply::kCrlf.size() : 0));
  char* p = put(start, reply::kValuePrefix);
  p = put(p, key);
  *p++ = ' ';
  p = put_number(p, item.flags());
  *p++ = ' ';
  p = put_number(p, value.size());
  if (with_cas) {
    *p++ = ' ';
    p = put_number(p, item.cas());
  }
  p = put(p, reply::kCrlf);
  if (copy_value) {
    p = put(p, value);
    p = put(p, reply::kCrlf);
    out.commit(static_cast<std::size_t>(p - start));
    return;
  }
  out.commit(static_cast<std::size_t>(p - start));
  out.append_value(item);
  out.append(reply::kCrlf);
}

void write_number_line(OutputQueue& out, std::uint64_t value) {
  char* const start = out.reserve(kMaxDecimalDigits + reply::kCrlf.size());
  char* p = put_number(start, value);
  p = put(p, reply::kCrlf);
  out.commit(static_cast<std::size_t>(p - start));
}

}  // namespace memstripe::protocol
