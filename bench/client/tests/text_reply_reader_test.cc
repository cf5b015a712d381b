#include "client/text_reply_reader.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "client/tests/pieces.h"

namespace client {
namespace {

// What a reader made of a stream: each head's text and code, and each value's bytes.
struct Read {
  std::vector<std::string> lines;
  std::vector<ReplyCode> codes;
  std::vector<std::string> values;
  bool malformed = false;
  std::string error;
};

// Feeds `stream` in pieces cut at `cuts`, keeping unconsumed bytes as a connection does.
Read read_in_pieces(TextReplyReader::Blocks blocks, const std::string& stream, const std::vector<std::size_t>& cuts) {
  TextReplyReader reader(blocks);
  Read result;
  testing::feed_in_pieces(stream, cuts, [&](std::string_view buffer) -> std::optional<std::size_t> {
    std::size_t pos = 0;
    for (;;) {
      std::size_t used = 0;
      ReplyHead head;
      std::string_view block;
      const auto event = reader.read(buffer.substr(pos), used, head, block);
      pos += used;
      if (event == TextReplyReader::Event::kNeedMore) return pos;
      if (event == TextReplyReader::Event::kMalformed) {
        result.malformed = true;
        result.error = std::string(reader.error());
        return std::nullopt;
      }
      if (event == TextReplyReader::Event::kHead) {
        result.lines.emplace_back(head.text);
        result.codes.push_back(head.code);
      } else {
        result.values.emplace_back(block);
      }
    }
  });
  return result;
}

const std::string kStream =
    "VALUE a 5 3\r\nabc\r\nVALUE b 6 4 99\r\n\r\n\r\n\r\nEND\r\n"
    "STORED\r\nNOT_STORED\r\nEXISTS\r\nNOT_FOUND\r\nDELETED\r\nTOUCHED\r\nOK\r\n42\r\n"
    "ERROR\r\nCLIENT_ERROR bad data chunk\r\nSERVER_ERROR out of memory storing object\r\n"
    "VA 2 f77 c3\r\nhi\r\nHD c9\r\nEN\r\nNF\r\nNS\r\nEX\r\nMN\r\nVERSION 1.6.18\r\n";

// `values`: whether the reader handed the values out (kWhole) or passed over them.
void expect_stream(const Read& r, bool values) {
  ASSERT_FALSE(r.malformed) << r.error;
  const std::vector<ReplyCode> codes = {
      ReplyCode::kValue,       ReplyCode::kValue,       ReplyCode::kEnd,       ReplyCode::kStored,
      ReplyCode::kNotStored,   ReplyCode::kExists,      ReplyCode::kNotFound,  ReplyCode::kDeleted,
      ReplyCode::kTouched,     ReplyCode::kOk,          ReplyCode::kNumber,    ReplyCode::kError,
      ReplyCode::kClientError, ReplyCode::kServerError, ReplyCode::kMetaValue, ReplyCode::kMetaHit,
      ReplyCode::kMetaMiss,    ReplyCode::kMetaNotFound, ReplyCode::kMetaNotStored, ReplyCode::kMetaExists,
      ReplyCode::kMetaNoop,    ReplyCode::kOther};
  EXPECT_EQ(r.codes, codes);
  const std::vector<std::string> handed_out = {"abc", "\r\n\r\n", "hi"};
  EXPECT_EQ(r.values, values ? handed_out : std::vector<std::string>{});
  EXPECT_EQ(r.lines.back(), "VERSION 1.6.18");
}

TEST(TextReplyReader, ReadsEveryKindOfReplyArrivingTogether) {
  expect_stream(read_in_pieces(TextReplyReader::Blocks::kWhole, kStream, {}), true);
  expect_stream(read_in_pieces(TextReplyReader::Blocks::kSkipped, kStream, {}), false);
}

TEST(TextReplyReader, ReadsRepliesSplitAtEveryByte) {
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    expect_stream(read_in_pieces(TextReplyReader::Blocks::kWhole, kStream, {cut}), true);
    expect_stream(read_in_pieces(TextReplyReader::Blocks::kSkipped, kStream, {cut}), false);
  }
}

TEST(TextReplyReader, ReadsRepliesArrivingAByteAtATime) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kStream.size(); ++i) cuts.push_back(i);
  expect_stream(read_in_pieces(TextReplyReader::Blocks::kWhole, kStream, cuts), true);
  expect_stream(read_in_pieces(TextReplyReader::Blocks::kSkipped, kStream, cuts), false);
}

TEST(TextReplyReader, AWholeBlockWaitsForAllOfItsBytes) {
  TextReplyReader reader(TextReplyReader::Blocks::kWhole);
  ReplyHead head;
  std::string_view block;
  std::size_t used = 0;
  const std::string bytes = "VALUE k 0 5\r\nhello\r\n";
  ASSERT_EQ(reader.read(bytes, used, head, block), TextReplyReader::Event::kHead);
  EXPECT_TRUE(reader.in_block());
  const std::string_view rest = std::string_view(bytes).substr(used);
  for (std::size_t n = 0; n < rest.size(); ++n)
    EXPECT_EQ(reader.read(rest.substr(0, n), used, head, block), TextReplyReader::Event::kNeedMore) << n;
  ASSERT_EQ(reader.read(rest, used, head, block), TextReplyReader::Event::kBlock);
  EXPECT_EQ(block, "hello");
  EXPECT_EQ(used, rest.size());
  EXPECT_FALSE(reader.in_block());
}

TEST(TextReplyReader, ASkippedBlockIsPassedOverAsItArrives) {
  TextReplyReader reader(TextReplyReader::Blocks::kSkipped);
  ReplyHead head;
  std::string_view block;
  std::size_t used = 0;
  ASSERT_EQ(reader.read("VALUE k 0 5\r\n", used, head, block), TextReplyReader::Event::kHead);
  EXPECT_EQ(reader.read("hel", used, head, block), TextReplyReader::Event::kNeedMore);
  EXPECT_EQ(used, 3u);  // gone: nothing of a value is kept
  EXPECT_EQ(reader.read("lo\r", used, head, block), TextReplyReader::Event::kNeedMore);
  EXPECT_EQ(used, 3u);
  EXPECT_TRUE(reader.in_block());
  ASSERT_EQ(reader.read("\nEND\r\n", used, head, block), TextReplyReader::Event::kHead);
  EXPECT_EQ(head.code, ReplyCode::kEnd);
  EXPECT_EQ(used, 6u);
  EXPECT_FALSE(reader.in_block());
}

TEST(TextReplyReader, ALargeValueNeedsNoBufferWhenSkipped) {
  const std::string stream = "VALUE k 0 100000\r\n" + std::string(100000, 'v') + "\r\nEND\r\n";
  const Read r = read_in_pieces(TextReplyReader::Blocks::kSkipped, stream, {100, 4096, 65536, 99000});
  ASSERT_FALSE(r.malformed) << r.error;
  EXPECT_EQ(r.codes, (std::vector<ReplyCode>{ReplyCode::kValue, ReplyCode::kEnd}));
}

TEST(TextReplyReader, ReadsTheFieldsOfValuesAndNumbers) {
  ReplyHead head;
  ASSERT_TRUE(parse_reply_line("VALUE key 4294967295 10 77", head));
  EXPECT_EQ(head.key, "key");
  EXPECT_EQ(head.flags, 4294967295u);
  EXPECT_EQ(head.value_bytes, 10u);
  EXPECT_EQ(head.cas, 77u);
  ASSERT_TRUE(parse_reply_line("VA 3 f12 c5 kfoo", head));
  EXPECT_EQ(head.value_bytes, 3u);
  EXPECT_EQ(head.meta_flags, "f12 c5 kfoo");
  std::string_view value;
  ASSERT_TRUE(find_meta_flag(head.meta_flags, 'k', value));
  EXPECT_EQ(value, "foo");
  EXPECT_FALSE(find_meta_flag(head.meta_flags, 't', value));
  ASSERT_TRUE(parse_reply_line("18446744073709551615", head));
  EXPECT_EQ(head.code, ReplyCode::kNumber);
  EXPECT_EQ(head.number, UINT64_MAX);
  ASSERT_TRUE(parse_reply_line("18446744073709551616", head));
  EXPECT_EQ(head.code, ReplyCode::kOther);
}

TEST(TextReplyReader, MalformedStreamsAreReported) {
  for (const std::string stream : {
           "VALUE a 0 3\r\nabcd\r\nEND\r\n",      // a block longer than it said
           "VALUE a x 3\r\nabc\r\nEND\r\n",       // flags not a number
           "VALUE a 4294967296 1\r\na\r\n",       // flags beyond 32 bits
           "VALUE a 0 1 2 3\r\na\r\n",            // a field too many
           "VALUE a 0\r\n",                       // no length
           "VA x f1\r\n",                         // VA without a length
           "STORED\n",                            // a line without its \r
           "VALUE a 0 99999999999\r\n",           // a length no value has
       }) {
    EXPECT_TRUE(read_in_pieces(TextReplyReader::Blocks::kWhole, stream, {}).malformed) << stream;
    EXPECT_TRUE(read_in_pieces(TextReplyReader::Blocks::kSkipped, stream, {}).malformed) << stream;
  }
  const Read endless = read_in_pieces(TextReplyReader::Blocks::kSkipped, std::string(TextReplyReader::kMaxLine + 1, 'x'), {});
  EXPECT_TRUE(endless.malformed);
  EXPECT_EQ(endless.error, "a reply line without an end");
  EXPECT_FALSE(read_in_pieces(TextReplyReader::Blocks::kSkipped, std::string(TextReplyReader::kMaxLine, 'x'), {}).malformed);
}

}  // namespace
}  // namespace client
