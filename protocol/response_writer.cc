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

void StatWriter::text(std::string_view name, std::string_view value) {
  char* const start = out_.reserve(reply::kStatPrefix.size() + name.size() + 1 + value.size() + 2);
  char* p = put(start, reply::kStatPrefix);
  p = put(p, name);
  *p++ = ' ';
  p = put(p, value);
  p = put(p, reply::kCrlf);
  out_.commit(static_cast<std::size_t>(p - start));
}

void StatWriter::number(std::string_view name, std::uint64_t value) {
  char digits[kMaxDecimalDigits];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void StatWriter::signed_number(std::string_view name, std::int64_t value) {
  char digits[kMaxDecimalDigits + 1];
  const char* end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  text(name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

void StatWriter::class_number(std::string_view prefix, unsigned id, std::string_view name,
                              std::uint64_t value) {
  char label[64];
  char* p = put(label, prefix.substr(0, 16));
  p = std::to_chars(p, p + 10, id).ptr;
  *p++ = ':';
  p = put(p, name.substr(0, static_cast<std::size_t>(label + sizeof label - p)));
  number(std::string_view(label, static_cast<std::size_t>(p - label)), value);
}

void StatWriter::end() { out_.append(reply::kEnd); }

}  // namespace memstripe::protocol
