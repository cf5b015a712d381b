#include "request_writer.h"

#include <gtest/gtest.h>

#include <string>

namespace loadgen {
namespace {

std::string text(const std::vector<char>& v) { return {v.begin(), v.end()}; }

TEST(RequestWriter, WritesAGet) {
  RequestWriter w(5, 3);
  std::vector<char> out;
  const std::uint32_t key = 42;
  w.append_get({&key, 1}, out);
  EXPECT_EQ(text(out), "get k0042\r\n");
}

TEST(RequestWriter, WritesAMultiGet) {
  RequestWriter w(4, 3);
  std::vector<char> out;
  const std::uint32_t keys[] = {1, 22, 333};
  w.append_get(keys, out);
  EXPECT_EQ(text(out), "get k001 k022 k333\r\n");
  EXPECT_LE(out.size(), w.max_request_size(3));
}

TEST(RequestWriter, WritesASetWithItsValue) {
  RequestWriter w(4, 5);
  std::vector<char> out;
  w.append_set(7, out);
  EXPECT_EQ(text(out), "set k007 0 0 5\r\nahovc\r\n");
  EXPECT_LE(out.size(), w.max_request_size(1));
}

TEST(RequestWriter, AppendsAfterWhatIsQueued) {
  RequestWriter w(2, 0);
  std::vector<char> out;
  const std::uint32_t key = 3;
  w.append_set(3, out);
  w.append_get({&key, 1}, out);
  EXPECT_EQ(text(out), "set k3 0 0 0\r\n\r\nget k3\r\n");
}

}  // namespace
}  // namespace loadgen
