// Meta commands pipelined with each other and with classic commands, the input split at
// every byte boundary: the replies never depend on how the bytes arrive.
#include <memory>
#include <string>

#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

class MetaPipeline : public SessionTest {
 protected:
  // An empty cache and a new connection.
  void start_over() {
    session_.reset();
    cache_ = std::make_unique<storage::Cache>(cache_config_, clock_);
    reconnect();
  }

  // The replies to `input` fed whole, then split at every byte, then a byte at a time.
  void expect_replies_however_split(const std::string& input, const std::string& replies) {
    start_over();
    ASSERT_EQ(send(input), replies);
    for (std::size_t at = 1; at < input.size(); ++at) {
      start_over();
      ASSERT_EQ(send_split(input, at), replies) << "split at " << at;
      start_over();
      ASSERT_EQ(send_split(input, at, true), replies) << "split at " << at << ", value read into the item";
    }
    start_over();
    ASSERT_EQ(send_bytewise(input), replies);
  }
};

TEST_F(MetaPipeline, QuietSetsAndGetsClosedByMn) {
  expect_replies_however_split(
      "ms a 3 q\r\nabc\r\nms b 3 q\r\ndef\r\nms c 3 q\r\nghi\r\n"
      "mg a v O1 k q\r\nmg zz v O2 k q\r\nmg c v O3 k q\r\nmn\r\n",
      "VA 3 O1 ka\r\nabc\r\nVA 3 O3 kc\r\nghi\r\nMN\r\n");
}

TEST_F(MetaPipeline, MixedWithClassicCommands) {
  expect_replies_however_split(
      "set x 0 0 1\r\n1\r\nmg x v f\r\nincr x 5\r\nma x v D4\r\nget x\r\nms x 2 F3 MA\r\n00\r\n"
      "gets zz\r\nmg x s f t\r\ndelete x\r\nmd x q\r\nversion\r\nmn\r\n",
      "STORED\r\nVA 1 f0\r\n1\r\n6\r\nVA 2\r\n10\r\nVALUE x 0 2\r\n10\r\nEND\r\nHD\r\n"
      "END\r\nHD s4 f0 t-1\r\nDELETED\r\nNF\r\nVERSION 1.6.18\r\nMN\r\n");
}

TEST_F(MetaPipeline, ErrorsThatSkipDataAndOnesThatDoNot) {
  expect_replies_however_split("ms k 2 Zz\r\nmn\r\nms k x\r\nmn\r\nms k 1 q\r\nxyz\r\nmn\r\n",
                               "CLIENT_ERROR invalid flag\r\nCLIENT_ERROR bad command line format\r\nMN\r\n"
                               "CLIENT_ERROR bad data chunk\r\nERROR\r\nMN\r\n");
}

TEST_F(MetaPipeline, StaleWhileRevalidate) {
  expect_replies_however_split(
      "ms k 2 T100\r\nv1\r\nmd k I q\r\nmg k v N30\r\nmg k v N30\r\nms k 2 T100\r\nv2\r\nmg k v\r\n",
      "HD\r\nVA 2 X W\r\nv1\r\nVA 2 Z X\r\nv1\r\nHD\r\nVA 2\r\nv2\r\n");
}

}  // namespace
}  // namespace memstripe::protocol::testing
