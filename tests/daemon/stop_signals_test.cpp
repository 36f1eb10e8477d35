#include "lodestone/app/stop_signals.hpp"

#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <thread>
#include <vector>

namespace lodestone::app {
namespace {

// The mask this test process had: put back at the end, and what the tests left pending is read
// first, so no signal outlives the test with its default action.
class StopSignalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::pthread_sigmask(SIG_SETMASK, nullptr, &before_), 0);
    block_stop_signals();
  }
  void TearDown() override {
    sigset_t pending;
    ::sigpending(&pending);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      if (::sigismember(&pending, sig) == 1) {
        sigset_t one;
        ::sigemptyset(&one);
        ::sigaddset(&one, sig);
        int taken = 0;
        ::sigwait(&one, &taken);
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &before_, nullptr);
  }
  sigset_t before_{};
};

TEST_F(StopSignalsTest, EachSignalSentIsReadOnceInTurnAndNoneTakesItsDefaultAction) {
  net::io_context io;
  StopSignals signals(io.get_executor());
  // Blocked: these wait for the reader instead of ending the process.
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  ASSERT_EQ(::kill(::getpid(), SIGHUP), 0);
  std::vector<int> read;
  StopSignals::Handler next = [&](boost::system::error_code ec, int sig) {
    ASSERT_FALSE(ec) << ec.message();
    read.push_back(sig);
    if (read.size() < 2) signals.async_wait(next);
  };
  signals.async_wait(next);
  io.run();
  // Pending standard signals are read lowest number first.
  EXPECT_EQ(read, (std::vector<int>{SIGHUP, SIGTERM}));
  sigset_t pending;
  ::sigpending(&pending);
  EXPECT_EQ(::sigismember(&pending, SIGTERM), 0);  // read, not left pending
}

TEST_F(StopSignalsTest, AWaitCancelledHearsOperationAborted) {
  net::io_context io;
  StopSignals signals(io.get_executor());
  boost::system::error_code heard;
  bool called = false;
  signals.async_wait([&](boost::system::error_code ec, int) {
    called = true;
    heard = ec;
  });
  net::post(io, [&] { signals.cancel(); });
  io.run();
  EXPECT_TRUE(called);
  EXPECT_EQ(heard, boost::asio::error::operation_aborted);
}

// A thread started after block_stop_signals inherits the mask: a signal sent to the process
// cannot land on it with the default action (the daemon's Runtime starts threads after).
TEST_F(StopSignalsTest, ThreadsStartedAfterwardsHaveThemBlockedToo) {
  sigset_t seen;
  std::thread([&] { ::pthread_sigmask(SIG_SETMASK, nullptr, &seen); }).join();
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) EXPECT_EQ(::sigismember(&seen, sig), 1) << sig;
}

}  // namespace
}  // namespace lodestone::app
