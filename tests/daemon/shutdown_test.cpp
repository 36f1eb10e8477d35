#include "lodestone/app/shutdown.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace lodestone::app {
namespace {

using namespace std::chrono_literals;

TEST(ShutdownSequence, RunsItsStepsInOrderEachWhenThePreviousSaysDone) {
  net::io_context io;
  std::vector<std::string> order;
  auto seq = ShutdownSequence::create(io.get_executor(), system_clock());
  ShutdownSequence::Done later;
  seq->add("stop accepting", 1h, [&](ShutdownSequence::Done done) {
    order.push_back("stop accepting");
    done();
  });
  seq->add("drain", 1h, [&](ShutdownSequence::Done done) {
    order.push_back("drain");
    later = std::move(done);  // finishes when the queue behind it has run
    net::post(io, [&] { later(); });
  });
  seq->add("close", 1h, [&](ShutdownSequence::Done done) {
    order.push_back("close");
    done();
  });
  bool finished = false;
  seq->run([&] { finished = true; });
  io.run();  // returns once nothing is left to do: no deadline timer outlives its step
  EXPECT_TRUE(finished);
  EXPECT_EQ(order, (std::vector<std::string>{"stop accepting", "drain", "close"}));
  EXPECT_EQ(seq->budget(), 3h);
}

// A step that never says done is cut off at its deadline; its late word changes nothing.
TEST(ShutdownSequence, AStuckStepIsCutOffByItsDeadline) {
  net::io_context io;
  std::vector<std::string> order;
  ShutdownSequence::Done stuck;
  auto seq = ShutdownSequence::create(io.get_executor(), system_clock());
  seq->add("flush", 20ms, [&](ShutdownSequence::Done done) { stuck = std::move(done); });
  seq->add("close", 1h, [&](ShutdownSequence::Done done) {
    order.push_back("close");
    stuck();  // the flush finishes after all, too late: not a second "close"
    done();
  });
  int finished = 0;
  seq->run([&] { ++finished; });
  io.run();
  EXPECT_EQ(finished, 1);
  EXPECT_EQ(order, std::vector<std::string>{"close"});
}

TEST(ShutdownSequence, DoneMayComeFromAnotherThread) {
  net::io_context io;
  auto guard = net::make_work_guard(io);
  std::thread worker;
  auto seq = ShutdownSequence::create(io.get_executor(), system_clock());
  seq->add("flush", 1h, [&](ShutdownSequence::Done done) { worker = std::thread([done] { done(); }); });
  bool finished = false;
  seq->run([&] {
    finished = true;
    guard.reset();
  });
  io.run();
  worker.join();
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace lodestone::app
