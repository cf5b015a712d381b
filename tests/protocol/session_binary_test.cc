// The binary protocol through a whole Session: memcached 1.6.18's replies (checked byte for
// byte against it by test_conformance.py; here, what a unit test can say), one cache seen
// through text, meta and binary alike, frames split anywhere, and memstripe's deliberate
// deviations (README).
#include <string>
#include <vector>

#include "binary_frames.h"
#include "session_fixture.h"

namespace memstripe::protocol::testing {
namespace {

using namespace binary;

using BinarySession = SessionTest;

std::string noop(std::uint32_t opaque = 0) { return Frame{kNoop, "", "", "", opaque}.bytes(); }

TEST_F(BinarySession, SetThenGetKeepsTheFlagsTheValueAndTheCas) {
  const auto replies = packets(send(Frame{kSet, "k", store_extras(7), "hello", 11}.bytes() +
                                    Frame{kGetK, "k", "", "", 12}.bytes()));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, kSuccess);
  EXPECT_EQ(replies[0].opaque, 11u);
  EXPECT_NE(replies[0].cas, 0u);
  EXPECT_EQ(replies[1].opcode, kGetK);
  EXPECT_EQ(replies[1].flags(), 7u);
  EXPECT_EQ(replies[1].key, "k");
  EXPECT_EQ(replies[1].value, "hello");
  EXPECT_EQ(replies[1].cas, replies[0].cas);
  EXPECT_EQ(cas_of("k"), replies[0].cas);
}

TEST_F(BinarySession, AQuietMultiGetAnswersItsHitsAndTheNoopOnly) {
  send(Frame{kSetQ, "a", store_extras(1), "1"}.bytes() + Frame{kSetQ, "c", store_extras(3), "333"}.bytes());
  const auto replies = packets(send(Frame{kGetKQ, "a", "", "", 1}.bytes() + Frame{kGetKQ, "b", "", "", 2}.bytes() +
                                    Frame{kGetKQ, "c", "", "", 3}.bytes() + noop(4)));
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].key, "a");
  EXPECT_EQ(replies[1].key, "c");
  EXPECT_EQ(replies[1].value, "333");
  EXPECT_EQ(replies[2].opcode, kNoop);
  EXPECT_EQ(replies[2].opaque, 4u);
}

TEST_F(BinarySession, QuietCommandsAnswerTheirErrors) {
  const auto replies = packets(send(Frame{kAddQ, "k", store_extras(0), "x"}.bytes() +
                                    Frame{kAddQ, "k", store_extras(0), "y", 2}.bytes() +
                                    Frame{kDeleteQ, "missing", "", "", 3}.bytes() + noop()));
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].status, kKeyExists);
  EXPECT_EQ(replies[0].opaque, 2u);
  EXPECT_EQ(replies[1].status, kKeyNotFound);
  EXPECT_EQ(replies[1].value, "Not found");
}

TEST_F(BinarySession, OneCacheThreeWaysIn) {
  const auto stored = packets(send(Frame{kSet, "shared", store_extras(42), "from-binary"}.bytes()));
  ASSERT_EQ(stored.size(), 1u);
  reconnect();
  EXPECT_EQ(send("gets shared\r\n"),
            "VALUE shared 42 11 " + std::to_string(stored[0].cas) + "\r\nfrom-binary\r\nEND\r\n");
  EXPECT_EQ(send("mg shared f v c\r\n"), "VA 11 f42 c" + std::to_string(stored[0].cas) + "\r\nfrom-binary\r\n");
  send("ms meta 4 F9 T0\r\nmeta\r\nset text 3 0 4\r\ntext\r\n");
  reconnect();
  const auto got = packets(send(Frame{kGetK, "meta"}.bytes() + Frame{kGetK, "text"}.bytes()));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].flags(), 9u);
  EXPECT_EQ(got[0].value, "meta");
  EXPECT_EQ(got[1].flags(), 3u);
  EXPECT_EQ(got[1].cas, cas_of("text"));
}

TEST_F(BinarySession, IncrementCreatesWithTheInitialValueUnlessTheExpirationSaysNot) {
  const auto replies = packets(send(Frame{kIncrement, "n", arith_extras(5, 10, kNoCreate)}.bytes() +
                                    Frame{kIncrement, "n", arith_extras(5, 10)}.bytes() +
                                    Frame{kIncrement, "n", arith_extras(5, 10)}.bytes() +
                                    Frame{kDecrement, "n", arith_extras(100)}.bytes()));
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[0].status, kKeyNotFound);
  EXPECT_EQ(replies[1].number(), 10u);
  EXPECT_EQ(replies[2].number(), 15u);
  EXPECT_EQ(replies[3].number(), 0u);
  EXPECT_EQ(value_of("n"), "0 ");  // the shrunk number is padded in place, as over text
}

TEST_F(BinarySession, AddOrReplaceWithACasActsAsACas) {
  const auto replies = packets(send(Frame{kAdd, "missing", store_extras(0), "x", 0, 5}.bytes() +
                                    Frame{kSet, "k", store_extras(0), "x"}.bytes()));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, kKeyNotFound);
  const auto again = packets(send(Frame{kReplace, "k", store_extras(0), "y", 0, replies[1].cas}.bytes() +
                                  Frame{kReplace, "k", store_extras(0), "z", 0, replies[1].cas}.bytes()));
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].status, kSuccess);
  EXPECT_EQ(again[1].status, kKeyExists);
  EXPECT_EQ(value_of("k"), "y");
}

TEST_F(BinarySession, TouchAnswersTheFlagsAndTheCasWithoutTheValue) {
  send(Frame{kSet, "k", store_extras(3), "value"}.bytes());
  const auto replies = packets(send(Frame{kTouch, "k", be32(100)}.bytes() + Frame{kGatK, "k", be32(100)}.bytes()));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].flags(), 3u);
  EXPECT_EQ(replies[0].value, "");
  EXPECT_EQ(replies[0].cas, cas_of("k"));
  EXPECT_EQ(replies[1].key, "k");
  EXPECT_EQ(replies[1].value, "value");
  EXPECT_EQ(server_.commands.cmd_touch.get(), 2u);
}

TEST_F(BinarySession, EverySplitOfAPipelineAnswersAsTheWhole) {
  const std::string pipeline = Frame{kSet, "a", store_extras(1), std::string(700, 'v')}.bytes() +
                               Frame{kAppendQ, "a", "", "!"}.bytes() + Frame{kGetKQ, "a", "", "", 2}.bytes() +
                               Frame{kGetKQ, "b", "", "", 3}.bytes() + Frame{kIncrement, "n", arith_extras(1, 5)}.bytes() +
                               Frame{kDelete, "a"}.bytes() + Frame{kStat, "sizes"}.bytes() + noop(9);
  const std::string whole = send(pipeline);
  const auto fields = [](const std::string& bytes) {
    std::vector<std::string> out;
    for (const Packet& p : packets(bytes)) {
      out.push_back(std::to_string(p.opcode) + "/" + std::to_string(p.status) + "/" + p.key + "/" + p.value);
    }
    return out;
  };
  ASSERT_EQ(fields(whole).size(), 7u);
  for (const bool use_sink : {false, true}) {
    for (std::size_t at = 0; at <= pipeline.size(); ++at) {
      cache_->flush();
      reconnect();
      EXPECT_EQ(fields(send_split(pipeline, at, use_sink)), fields(whole)) << "split at " << at;
      ASSERT_EQ(unconsumed(), 0u);
    }
  }
}

TEST_F(BinarySession, ATruncatedFrameWaitsForTheRest) {
  const std::string get = Frame{kGet, "key"}.bytes();
  EXPECT_EQ(send(get.substr(0, 10)), "");
  EXPECT_TRUE(session_->mid_command());
  EXPECT_EQ(send(get.substr(10, 14)), "");  // the header, without its key
  EXPECT_EQ(packets(send(get.substr(24))).size(), 1u);
  EXPECT_FALSE(session_->mid_command());
}

TEST_F(BinarySession, ABodyOverTheItemLimitIsSkippedWithoutBeingKept) {
  Frame huge{kSet, "big", store_extras(0)};
  huge.body_length = 8 + 3 + (64u << 20);
  const std::string head = huge.bytes();
  const auto refused = packets(send(head));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].status, kTooLarge);
  EXPECT_EQ(refused[0].value, "Too large.");
  EXPECT_TRUE(session_->value_sink().empty());
  const std::string chunk(1 << 20, 'x');
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(send(chunk), "");
    EXPECT_EQ(unconsumed(), 0u);
  }
  EXPECT_EQ(packets(send(noop(5)))[0].opaque, 5u);
}

TEST_F(BinarySession, AnUnknownOpcodeSkipsItsOwnBodyOnly) {
  // memcached 1.6.18 skips the body's length again past the key, swallowing the start of
  // the next request: a verbosity then a NOOP hangs there (README: deviations).
  const auto replies = packets(send(Frame{0x1b, "", be32(1)}.bytes() + noop(6)));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].status, kUnknownCommand);
  EXPECT_EQ(replies[0].value, "Unknown command");
  EXPECT_EQ(replies[1].opaque, 6u);
  EXPECT_EQ(close(), Session::Close::kNo);
}

TEST_F(BinarySession, AMalformedRequestIsAnsweredThenTheConnectionCloses) {
  const auto replies = packets(send(noop(1) + Frame{kGet, "k", "1234"}.bytes() + noop(2)));
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[1].status, kInvalidArguments);
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
  reconnect();
  Frame overrun{kGet, "key"};
  overrun.body_length = 1;
  EXPECT_EQ(packets(send(overrun.bytes()))[0].status, kUnknownCommand);
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
  reconnect();
  EXPECT_EQ(packets(send(Frame{kGet, std::string(251, 'k')}.bytes()))[0].status, kInvalidArguments);
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
}

TEST_F(BinarySession, AWrongMagicByteSendsTheRepliesMadeThenCloses) {
  Frame bad = Frame{kNoop};
  bad.magic = 0x81;
  EXPECT_EQ(packets(send(noop(1) + bad.bytes())).size(), 1u);
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
}

TEST_F(BinarySession, QuitAnswersThenCloses) {
  EXPECT_EQ(packets(send(Frame{kQuit}.bytes() + noop())).size(), 1u);
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
  reconnect();
  EXPECT_EQ(send(Frame{kQuitQ}.bytes()), "");
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
}

TEST_F(BinarySession, StatAnswersTheTextStatsAsPacketsAndAnEmptyOne) {
  std::vector<std::string> text_names;
  for (std::size_t at = 0; at != std::string::npos;) {
    const std::string text = send("stats\r\n");
    for (std::size_t line = 0; (line = text.find("STAT ", line)) != std::string::npos; line += 5) {
      text_names.push_back(text.substr(line + 5, text.find(' ', line + 5) - line - 5));
    }
    at = std::string::npos;
  }
  reconnect();
  const auto replies = packets(send(Frame{kStat, "", "", "", 77}.bytes()));
  ASSERT_EQ(replies.size(), text_names.size() + 1);
  for (std::size_t i = 0; i < text_names.size(); ++i) {
    EXPECT_EQ(replies[i].key, text_names[i]);
    EXPECT_EQ(replies[i].opaque, 77u);
  }
  EXPECT_EQ(replies.back().key, "");
  EXPECT_EQ(replies.back().value, "");
}

TEST_F(BinarySession, StatGroupsAreMatchedAsMemcachedMatchesThem) {
  EXPECT_EQ(packets(send(Frame{kStat, "settings"}.bytes())).front().key, "maxbytes");
  EXPECT_EQ(packets(send(Frame{kStat, "reset please"}.bytes())).size(), 1u);
  EXPECT_EQ(server_.resets, 1);
  EXPECT_EQ(packets(send(Frame{kStat, "conns"}.bytes()))[0].status, kKeyNotFound);
  EXPECT_EQ(packets(send(Frame{kStat, "items "}.bytes()))[0].status, kKeyNotFound);
}

class BinaryFlushDisabled : public SessionTest {
 protected:
  BinaryFlushDisabled() : SessionTest(default_cache_config(), disabled()) {}
  static ProtocolConfig disabled() {
    ProtocolConfig p;
    p.flush_enabled = false;
    return p;
  }
};

TEST_F(BinaryFlushDisabled, FlushIsAnAuthFailure) {
  const auto replies = packets(send(Frame{kFlush}.bytes()));
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].status, kAuthError);
  EXPECT_EQ(replies[0].value, "Auth failure.");
}

class Bound : public SessionTest {
 protected:
  explicit Bound(Binding binding) : SessionTest(default_cache_config(), bound(binding)) {}
  static ProtocolConfig bound(Binding binding) {
    ProtocolConfig p;
    p.binding = binding;
    return p;
  }
};

class BoundToAscii : public Bound {
 protected:
  BoundToAscii() : Bound(Binding::kAscii) {}
};

class BoundToBinary : public Bound {
 protected:
  BoundToBinary() : Bound(Binding::kBinary) {}
};

TEST_F(BoundToAscii, ReadsABinaryRequestAsText) {
  // A NOOP's second byte is '\n': its first "line" is the magic byte alone, the next one
  // (its NULs, then "version") ends at its first NUL.
  EXPECT_EQ(send(noop() + "version\r\n"), "ERROR\r\nERROR\r\n");
  EXPECT_EQ(close(), Session::Close::kNo);
}

TEST_F(BoundToBinary, ClosesATextClientOnceItHasSentAHeaderWorth) {
  EXPECT_EQ(send("version\r\n"), "");
  EXPECT_EQ(close(), Session::Close::kNo);
  EXPECT_EQ(send("get a b c d e f g\r\n"), "");
  EXPECT_EQ(close(), Session::Close::kAfterReplies);
}

}  // namespace
}  // namespace memstripe::protocol::testing
