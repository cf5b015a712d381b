#include "client/binary_reply_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "client/binary_protocol.h"
#include "client/tests/binary_frames.h"
#include "client/tests/pieces.h"

namespace client {
namespace {

using namespace binary;

using client::testing::eight_bytes;
using client::testing::flags;
using client::testing::response;

// What a reader made of a stream: each head's code, opcode, opaque, key and text, and each
// value's bytes (kWhole) or the number of values that ended in an event of their own.
struct Read {
  std::vector<ReplyCode> codes;
  std::vector<std::uint32_t> opaques;
  std::vector<std::string> keys;
  std::vector<std::string> texts;
  std::vector<std::uint32_t> flags;
  std::vector<std::string> values;
  bool malformed = false;
  std::string error;
};

Read read_in_pieces(BinaryReplyReader::Blocks blocks, const std::string& stream, const std::vector<std::size_t>& cuts) {
  BinaryReplyReader reader(blocks);
  Read result;
  client::testing::feed_in_pieces(stream, cuts, [&](std::string_view buffer) -> std::optional<std::size_t> {
    std::size_t pos = 0;
    for (;;) {
      std::size_t used = 0;
      ReplyHead head;
      std::string_view block;
      const auto event = reader.read(buffer.substr(pos), used, head, block);
      pos += used;
      if (event == BinaryReplyReader::Event::kNeedMore) return pos;
      if (event == BinaryReplyReader::Event::kMalformed) {
        result.malformed = true;
        result.error = std::string(reader.error());
        return std::nullopt;
      }
      if (event == BinaryReplyReader::Event::kHead) {
        result.codes.push_back(head.code);
        result.opaques.push_back(head.opaque);
        result.keys.emplace_back(head.key);
        result.texts.emplace_back(head.text);
        result.flags.push_back(head.code == ReplyCode::kValue ? head.flags : 0);
      } else if (blocks == BinaryReplyReader::Blocks::kWhole) {
        result.values.emplace_back(block);
      }
    }
  });
  return result;
}

// What memcached 1.6.18 answers (seen on the wire): a set, a getk hit and miss, a get miss
// with its message, getkq hits and the noop after them, an empty value, a counter, and
// an error with its message.
const std::string kStream =
    response(kSet, kSuccess, 7, "", "", "", 1) +
    response(kGetK, kSuccess, 8, flags(5), "k1", "hello", 1) +
    response(kGetK, kKeyNotFound, 9, "", "nokey", "") +
    response(kGet, kKeyNotFound, 10, "", "", "Not found") +
    response(kGetKQ, kSuccess, 12, flags(4294967295u), "k1", "hello", 1) +
    response(kGetKQ, kSuccess, 13, flags(0), "k2", "", 2) +
    response(kNoop, kSuccess, 14, "", "", "") +
    response(kIncrement, kSuccess, 15, "", "", eight_bytes(43), 3) +
    response(kSet, kInvalidArguments, 16, "", "", "Invalid arguments") +
    response(kSet, kOutOfMemory, 17, "", "", "Out of memory") +
    response(0x42, kUnknownCommand, 18, "", "", "Unknown command") +
    response(kVersion, kSuccess, 19, "", "", "1.6.18");

void expect_stream(const Read& r, bool values) {
  ASSERT_FALSE(r.malformed) << r.error;
  EXPECT_EQ(r.codes, (std::vector<ReplyCode>{ReplyCode::kStored, ReplyCode::kValue, ReplyCode::kNotFound,
                                             ReplyCode::kNotFound, ReplyCode::kValue, ReplyCode::kValue,
                                             ReplyCode::kMetaNoop, ReplyCode::kNumber, ReplyCode::kClientError,
                                             ReplyCode::kServerError, ReplyCode::kError, ReplyCode::kOther}));
  EXPECT_EQ(r.opaques, (std::vector<std::uint32_t>{7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19}));
  EXPECT_EQ(r.keys, (std::vector<std::string>{"", "k1", "nokey", "", "k1", "k2", "", "", "", "", "", ""}));
  EXPECT_EQ(r.texts[3], "Not found");
  EXPECT_EQ(r.texts[8], "Invalid arguments");
  EXPECT_EQ(r.texts[11], "1.6.18");
  EXPECT_EQ(r.flags[1], 5u);
  EXPECT_EQ(r.flags[4], 4294967295u);
  EXPECT_EQ(r.values, values ? (std::vector<std::string>{"hello", "hello", ""}) : std::vector<std::string>{});
}

TEST(BinaryReplyReader, ReadsEveryKindOfResponseArrivingTogether) {
  expect_stream(read_in_pieces(BinaryReplyReader::Blocks::kWhole, kStream, {}), true);
  expect_stream(read_in_pieces(BinaryReplyReader::Blocks::kSkipped, kStream, {}), false);
}

TEST(BinaryReplyReader, ReadsResponsesSplitAtEveryByte) {
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    expect_stream(read_in_pieces(BinaryReplyReader::Blocks::kWhole, kStream, {cut}), true);
    expect_stream(read_in_pieces(BinaryReplyReader::Blocks::kSkipped, kStream, {cut}), false);
  }
}

TEST(BinaryReplyReader, ReadsResponsesArrivingAByteAtATime) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kStream.size(); ++i) cuts.push_back(i);
  expect_stream(read_in_pieces(BinaryReplyReader::Blocks::kWhole, kStream, cuts), true);
  expect_stream(read_in_pieces(BinaryReplyReader::Blocks::kSkipped, kStream, cuts), false);
}

TEST(BinaryReplyReader, ReadsTheHeadersFields) {
  BinaryReplyReader reader(BinaryReplyReader::Blocks::kSkipped);
  ReplyHead head;
  std::string_view block;
  std::size_t used = 0;
  const std::string bytes = response(kGetK, kSuccess, 0xdeadbeef, flags(77), "key", "value", 0x0102030405060708ULL) +
                            response(kIncrement, kSuccess, 1, "", "", eight_bytes(UINT64_MAX));
  ASSERT_EQ(reader.read(bytes, used, head, block), BinaryReplyReader::Event::kHead);
  EXPECT_EQ(used, kHeaderSize + 4 + 3 + 5);  // the value skipped with its head
  EXPECT_FALSE(reader.in_block());
  EXPECT_EQ(head.opcode, kGetK);
  EXPECT_EQ(head.status, kSuccess);
  EXPECT_EQ(head.opaque, 0xdeadbeefu);
  EXPECT_EQ(head.cas, 0x0102030405060708ULL);
  EXPECT_EQ(head.flags, 77u);
  EXPECT_EQ(head.key, "key");
  EXPECT_EQ(head.value_bytes, 5u);
  ASSERT_EQ(reader.read(std::string_view(bytes).substr(used), used, head, block), BinaryReplyReader::Event::kHead);
  EXPECT_EQ(head.code, ReplyCode::kNumber);
  EXPECT_EQ(head.number, UINT64_MAX);
}

TEST(BinaryReplyReader, ASkippedValueIsPassedOverAsItArrives) {
  BinaryReplyReader reader(BinaryReplyReader::Blocks::kSkipped);
  ReplyHead head;
  std::string_view block;
  std::size_t used = 0;
  const std::string bytes = response(kGetK, kSuccess, 1, flags(0), "k", "hello") + response(kNoop, kSuccess, 2, "", "", "");
  const std::string_view b(bytes);
  ASSERT_EQ(reader.read(b.substr(0, kHeaderSize + 5 + 2), used, head, block), BinaryReplyReader::Event::kHead);
  EXPECT_EQ(used, kHeaderSize + 5 + 2);  // gone: nothing of a value is kept
  EXPECT_TRUE(reader.in_block());
  EXPECT_EQ(reader.read(b.substr(kHeaderSize + 7, 2), used, head, block), BinaryReplyReader::Event::kNeedMore);
  EXPECT_EQ(used, 2u);
  // The value's end is an event of its own, and the next response is not read with it.
  EXPECT_EQ(reader.read(b.substr(kHeaderSize + 9), used, head, block), BinaryReplyReader::Event::kBlock);
  EXPECT_EQ(used, 1u);
  EXPECT_FALSE(reader.in_block());
  ASSERT_EQ(reader.read(b.substr(kHeaderSize + 10), used, head, block), BinaryReplyReader::Event::kHead);
  EXPECT_EQ(head.code, ReplyCode::kMetaNoop);
}

TEST(BinaryReplyReader, ALargeValueNeedsNoBufferWhenSkipped) {
  const std::string stream = response(kGetK, kSuccess, 1, flags(0), "k", std::string(100000, 'v')) +
                             response(kNoop, kSuccess, 2, "", "", "");
  const Read r = read_in_pieces(BinaryReplyReader::Blocks::kSkipped, stream, {10, 4096, 65536, 99000});
  ASSERT_FALSE(r.malformed) << r.error;
  EXPECT_EQ(r.codes, (std::vector<ReplyCode>{ReplyCode::kValue, ReplyCode::kMetaNoop}));
}

TEST(BinaryReplyReader, MalformedStreamsAreReported) {
  for (const std::string& stream : {
           response(kSet, kSuccess, 1, "", "", "", 0, kRequestMagic),       // a request's magic
           response(kGetK, kSuccess, 1, "", "k", "v"),                      // an item without flags
           response(kGetK, kSuccess, 1, flags(0), std::string(251, 'k'), "v"),  // a key too long
           response(kSet, kInvalidArguments, 1, "", "", std::string(2049, 'm')),  // a message too long
           response(kIncrement, kSuccess, 1, "", "", "1234"),               // a counter not 8 bytes
       }) {
    EXPECT_TRUE(read_in_pieces(BinaryReplyReader::Blocks::kWhole, stream, {}).malformed);
    EXPECT_TRUE(read_in_pieces(BinaryReplyReader::Blocks::kSkipped, stream, {}).malformed);
  }
  std::string typed = response(kNoop, kSuccess, 1, "", "", "");
  typed[kDataTypeAt] = 1;
  EXPECT_TRUE(read_in_pieces(BinaryReplyReader::Blocks::kSkipped, typed, {}).malformed);
  std::string overrun = response(kGetK, kSuccess, 1, flags(0), "key", "");
  store32(&overrun[kBodyLengthAt], 5);  // shorter than its extras and key
  const Read r = read_in_pieces(BinaryReplyReader::Blocks::kSkipped, overrun, {});
  EXPECT_TRUE(r.malformed);
  EXPECT_EQ(r.error, "a response whose key and extras overrun its body");
}

}  // namespace
}  // namespace client
