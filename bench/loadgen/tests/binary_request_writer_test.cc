#include "binary_request_writer.h"

#include <gtest/gtest.h>

#include <string>

#include "client/binary_protocol.h"
#include "request_writer.h"

namespace loadgen {
namespace {

using namespace client::binary;

std::string bytes(const std::vector<char>& v) { return {v.begin(), v.end()}; }

// A request header, field by field (protocol-binary.txt's layout).
std::string header(std::uint8_t opcode, std::uint16_t key_length, std::uint8_t extras_length,
                   std::uint32_t body_length, std::uint32_t opaque) {
  std::string h(kHeaderSize, '\0');
  write_request_header(h.data(), opcode, key_length, extras_length, body_length, opaque);
  return h;
}

TEST(BinaryRequestWriter, TheHeaderIsBigEndianWithItsFieldsInPlace) {
  const std::string h = header(kSet, 0x0102, 8, 0x0a0b0c0d, 0x11223344);
  EXPECT_EQ(h, std::string("\x80\x01\x01\x02\x08\x00\x00\x00\x0a\x0b\x0c\x0d\x11\x22\x33\x44"
                           "\x00\x00\x00\x00\x00\x00\x00\x00", 24));
}

TEST(BinaryRequestWriter, WritesASetWithFlagsAndExpiryZero) {
  BinaryRequestWriter w(4, 5);
  std::vector<char> out;
  EXPECT_EQ(w.append_set(7, 99, out), 1u);
  EXPECT_EQ(bytes(out), header(kSet, 4, 8, 8 + 4 + 5, 99) + std::string(8, '\0') + "k007" + "ahovc");
  EXPECT_LE(out.size(), w.max_request_size(1));
}

TEST(BinaryRequestWriter, WritesAGetAsGetK) {
  BinaryRequestWriter w(5, 3);
  std::vector<char> out;
  const std::uint32_t key = 42;
  EXPECT_EQ(w.append_get({&key, 1}, 0xfffffffe, out), 1u);
  EXPECT_EQ(bytes(out), header(kGetK, 5, 0, 5, 0xfffffffe) + "k0042");
  EXPECT_LE(out.size(), w.max_request_size(1));
}

TEST(BinaryRequestWriter, WritesAMultiGetAsGetKQsAndANoop) {
  BinaryRequestWriter w(4, 3);
  std::vector<char> out;
  const std::uint32_t keys[] = {1, 22, 333};
  EXPECT_EQ(w.append_get(keys, 10, out), 4u);
  EXPECT_EQ(binary_frames(RequestKind::kGet, 3), 4u);
  EXPECT_EQ(bytes(out), header(kGetKQ, 4, 0, 4, 10) + "k001" + header(kGetKQ, 4, 0, 4, 11) + "k022" +
                            header(kGetKQ, 4, 0, 4, 12) + "k333" + header(kNoop, 0, 0, 0, 13));
  EXPECT_EQ(out.size(), w.max_request_size(3));
}

TEST(BinaryRequestWriter, AppendsAfterWhatIsQueuedAndWrapsItsOpaques) {
  BinaryRequestWriter w(2, 0);
  std::vector<char> out{'x'};
  const std::uint32_t keys[] = {3, 4};
  w.append_get(keys, 0xffffffff, out);  // the NOOP's opaque wraps to 1
  EXPECT_EQ(bytes(out), "x" + header(kGetKQ, 2, 0, 2, 0xffffffff) + "k3" + header(kGetKQ, 2, 0, 2, 0) + "k4" +
                            header(kNoop, 0, 0, 0, 1));
}

TEST(BinaryRequestWriter, RequestWriterWritesTheRunsProtocol) {
  const RequestWriter binary(4, 3, Protocol::kBinary);
  const RequestWriter text(4, 3);
  std::vector<char> b, t;
  EXPECT_EQ(binary.append_set(5, b, 3), 1u);
  EXPECT_EQ(text.append_set(5, t, 3), 0u);
  EXPECT_EQ(bytes(b), header(kSet, 4, 8, 15, 3) + std::string(8, '\0') + "k005" + "aho");
  EXPECT_EQ(bytes(t), "set k005 0 0 3\r\naho\r\n");  // the same value in both
  EXPECT_EQ(binary.max_request_size(1), b.size());
}

}  // namespace
}  // namespace loadgen
