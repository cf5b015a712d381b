#include "trace_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace loadgen {
namespace {

class TraceReaderTest : public ::testing::Test {
 protected:
  std::string path = ::testing::TempDir() + "trace_reader_test.trace";
  void TearDown() override { std::remove(path.c_str()); }

  void write(const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  std::vector<CacheAsideRequest> read_all(TraceReader& reader) {
    std::vector<CacheAsideRequest> out;
    CacheAsideRequest r;
    while (reader.next(r)) out.push_back(r);
    return out;
  }
};

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string oracle_record(std::uint32_t time, std::uint64_t id, std::uint32_t size, std::int64_t next) {
  std::string r;
  put_le(r, time, 4);
  put_le(r, id, 8);
  put_le(r, size, 4);
  put_le(r, static_cast<std::uint64_t>(next), 8);
  return r;
}

TEST_F(TraceReaderTest, ReadsCsvWithAHeaderCommentsAndTtls) {
  write("time,key,size,ttl\n# a comment\n1,42,100\n2, user:7 ,250,60\r\n\n3,42,100,\n");
  TraceReader reader(path, TraceFormat::kCsv, 1000, 5);
  const auto requests = read_all(reader);
  ASSERT_TRUE(reader.error().empty()) << reader.error();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].key, 42u);
  EXPECT_EQ(requests[0].value_size, 100u);
  EXPECT_EQ(requests[0].ttl, 5u);  // none given: --ttl's
  EXPECT_EQ(requests[0].key_class, KeyClass::kTrace);
  EXPECT_EQ(requests[1].key, trace_key_id("user:7"));
  EXPECT_EQ(requests[1].ttl, 60u);
  EXPECT_EQ(requests[2].key, 42u);
  EXPECT_EQ(reader.records(), 3u);
}

TEST_F(TraceReaderTest, ANonNumericKeyIsHashed) {
  EXPECT_EQ(trace_key_id("123"), 123u);
  EXPECT_NE(trace_key_id("a"), trace_key_id("b"));
  EXPECT_NE(trace_key_id("a"), 0u);
}

TEST_F(TraceReaderTest, ABadCsvLineStopsTheReplayWithItsNumber) {
  write("1,1,10\n2,2,ten\n3,3,10\n");
  TraceReader reader(path, TraceFormat::kCsv, 1000, 0);
  EXPECT_EQ(read_all(reader).size(), 1u);
  EXPECT_NE(reader.error().find("line 2"), std::string::npos) << reader.error();
}

TEST_F(TraceReaderTest, ReadsOracleGeneralRecords) {
  write(oracle_record(1, 0xfedcba9876543210ULL, 4096, 2) + oracle_record(2, 5, 0, -1) +
        oracle_record(3, 0xfedcba9876543210ULL, 5000, -1));
  TraceReader reader(path, TraceFormat::kOracleGeneral, 4500, 0);
  const auto requests = read_all(reader);
  ASSERT_TRUE(reader.error().empty()) << reader.error();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].key, 0xfedcba9876543210ULL);
  EXPECT_EQ(requests[0].value_size, 4096u);
  EXPECT_EQ(requests[1].value_size, 4500u);  // cut to the cap
  EXPECT_EQ(reader.skipped(), 1u);  // size 0, as libCacheSim passes it over
  EXPECT_EQ(reader.capped(), 1u);
}

TEST_F(TraceReaderTest, ATruncatedOracleGeneralRecordIsAnError) {
  write(oracle_record(1, 1, 10, -1) + std::string(10, '\0'));
  TraceReader reader(path, TraceFormat::kOracleGeneral, 1000, 0);
  EXPECT_EQ(read_all(reader).size(), 1u);
  EXPECT_FALSE(reader.error().empty());
}

TEST_F(TraceReaderTest, AMissingFileIsAnError) {
  TraceReader reader(path + ".none", TraceFormat::kCsv, 1000, 0);
  EXPECT_FALSE(reader.error().empty());
}

}  // namespace
}  // namespace loadgen
