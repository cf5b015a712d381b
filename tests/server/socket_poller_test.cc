// The worker's event loop (server/socket_poller.h) on real descriptors: ready sockets are
// dispatched, deferred turns come after them, a cancelled turn never comes, timers fire
// after the round, and a post() from another thread wakes a loop blocked in epoll_wait.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "server/socket_poller.h"

namespace memstripe::server {
namespace {

using namespace std::chrono_literals;

// A socketpair end registered for reading; what happens to it goes into a shared log.
class Recorder final : public PolledSocket {
 public:
  Recorder(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_), 0);
  }
  ~Recorder() {
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  int fd() const { return fds_[0]; }
  void make_readable() { ASSERT_EQ(::write(fds_[1], "x", 1), 1); }
  void drain() {
    char c;
    while (::read(fds_[0], &c, 1) == 1) {
    }
  }

  std::function<void()> on_events_hook;
  std::function<void()> on_turn_hook;

 private:
  void on_events(std::uint32_t) override {
    drain();
    log_.push_back(name_ + " events");
    if (on_events_hook) on_events_hook();
  }
  void on_turn() override {
    log_.push_back(name_ + " turn");
    if (on_turn_hook) on_turn_hook();
  }

  std::string name_;
  std::vector<std::string>& log_;
  int fds_[2];
};

class SocketPollerTest : public ::testing::Test {
 protected:
  boost::asio::io_context io_;
  SocketPoller poller_{io_};
  std::vector<std::string> log_;
};

TEST_F(SocketPollerTest, DispatchesReadySocketsThenTheTurnsTheyAskedFor) {
  Recorder a("a", log_), b("b", log_);
  ASSERT_TRUE(poller_.add(a.fd(), a, true, false));
  ASSERT_TRUE(poller_.add(b.fd(), b, true, false));
  // `a` yields in its handler; `b` is ready in the same round. `a`'s turn comes after both.
  a.on_events_hook = [&] { poller_.defer(a); };
  a.on_turn_hook = [&] { poller_.stop(); };
  a.make_readable();
  b.make_readable();
  poller_.run();
  ASSERT_EQ(log_.size(), 3u);
  EXPECT_EQ(log_[2], "a turn");
  EXPECT_NE(log_[0], log_[1]);
}

TEST_F(SocketPollerTest, ATurnAskedForDuringATurnWaitsForTheNextRound) {
  Recorder a("a", log_), b("b", log_);
  ASSERT_TRUE(poller_.add(a.fd(), a, true, false));
  ASSERT_TRUE(poller_.add(b.fd(), b, true, false));
  int turns = 0;
  // `a` keeps yielding, as a client with a long pipeline does; `b` becomes ready after its
  // first turn and must be served before its second.
  a.on_turn_hook = [&] {
    if (++turns == 1) {
      b.make_readable();
      poller_.defer(a);
    } else {
      poller_.stop();
    }
  };
  poller_.defer(a);
  poller_.run();
  EXPECT_EQ(log_, (std::vector<std::string>{"a turn", "b events", "a turn"}));
}

TEST_F(SocketPollerTest, ACancelledTurnNeverComes) {
  Recorder a("a", log_), b("b", log_);
  ASSERT_TRUE(poller_.add(a.fd(), a, true, false));
  poller_.defer(a);
  poller_.defer(b);
  poller_.cancel_turn(a);
  b.on_turn_hook = [&] { poller_.stop(); };
  poller_.run();
  EXPECT_EQ(log_, (std::vector<std::string>{"b turn"}));
}

TEST_F(SocketPollerTest, ATurnCancelledByAnEarlierTurnOfTheSameRoundNeverComes) {
  Recorder a("a", log_), b("b", log_), c("c", log_);
  poller_.defer(a);
  poller_.defer(b);
  poller_.defer(c);
  a.on_turn_hook = [&] { poller_.cancel_turn(b); };  // as when `a` closes `b`
  c.on_turn_hook = [&] { poller_.stop(); };
  poller_.run();
  EXPECT_EQ(log_, (std::vector<std::string>{"a turn", "c turn"}));
}

TEST_F(SocketPollerTest, APostFromAnotherThreadWakesTheBlockedLoop) {
  std::thread other([&] { poller_.post([&] { poller_.stop(); }); });
  poller_.run();  // returns only once the post woke epoll_wait and its handler ran
  other.join();
  SUCCEED();
}

TEST_F(SocketPollerTest, ATimerFiresAfterTheRoundItExpiredIn) {
  Recorder a("a", log_);
  ASSERT_TRUE(poller_.add(a.fd(), a, true, false));
  PollerTimer timer(poller_, [&] {
    log_.push_back("timer");
    poller_.stop();
  });
  timer.expires_after(1ms);
  a.make_readable();
  poller_.run();
  ASSERT_FALSE(log_.empty());
  EXPECT_EQ(log_.back(), "timer");
}

TEST_F(SocketPollerTest, ACancelledTimerNeverFires) {
  PollerTimer cancelled(poller_, [&] { log_.push_back("cancelled"); });
  PollerTimer later(poller_, [&] { poller_.stop(); });
  cancelled.expires_after(1ms);
  cancelled.cancel();
  later.expires_after(20ms);
  poller_.run();
  EXPECT_TRUE(log_.empty());
}

TEST_F(SocketPollerTest, ATimerCancelledAfterItExpiredInTheSameRoundNeverFires) {
  // The timerfd is ready, but a socket dispatched in the same round cancels the timer (as
  // a drain that finished cancels its deadline): the callback must not run.
  PollerTimer deadline(poller_, [&] { log_.push_back("deadline"); });
  PollerTimer end(poller_, [&] { poller_.stop(); });
  Recorder a("a", log_);
  ASSERT_TRUE(poller_.add(a.fd(), a, true, false));
  a.on_events_hook = [&] {
    deadline.cancel();
    end.expires_after(20ms);
  };
  deadline.expires_after(1ms);
  // Most often both are ready when the loop first looks (the timer's millisecond has
  // passed); if not, `a` cancels it before it expires. Neither order may run the callback.
  std::this_thread::sleep_for(2ms);
  a.make_readable();
  poller_.run();
  EXPECT_EQ(log_, (std::vector<std::string>{"a events"}));
}

}  // namespace
}  // namespace memstripe::server
