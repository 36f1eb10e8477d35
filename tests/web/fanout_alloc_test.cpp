// Issue #18: a broadcast allocates nothing per delivery once the sessions are warm. K real
// WebSocketSessions over loopback TCP (FanoutRig), every heap allocation of the process counted
// (counting_alloc.cpp: the sanitizer's malloc hook, or glibc's malloc interposed). Each message
// is written to every client before the next is broadcast, and the clients are read out between
// rounds, so no socket buffer ever fills: the count does not depend on timing or on the kernel.
#include <gtest/gtest.h>

#include <chrono>

#include "counting_alloc.hpp"
#include "fanout_rig.hpp"

namespace lodestone::web {
namespace {

using test::AllocationCount;
using namespace std::chrono_literals;

// Broadcasts `rounds` x `burst` messages to every client of `rig`, each round written in full
// before the next; returns the heap allocations made meanwhile (the clients' reads not counted).
std::uint64_t allocations_over(FanoutRig& rig, std::size_t rounds, std::size_t burst, std::size_t& next) {
  std::uint64_t total = 0;
  std::uint64_t sent = rig.sent();
  for (std::size_t r = 0; r < rounds; ++r) {
    AllocationCount::start();
    for (std::size_t b = 0; b < burst; ++b) rig.broadcast(next++);
    sent += rig.clients() * burst;
    const bool written = rig.run_until_sent(sent, 20s);
    AllocationCount::stop();
    total += AllocationCount::count();
    EXPECT_TRUE(written) << "round " << r << ": not every message was written";
    if (!written) break;
    (void)rig.drain();
  }
  return total;
}

class FanoutAllocations : public ::testing::TestWithParam<std::size_t> {};

TEST_P(FanoutAllocations, NoneInTheSteadyState) {
  if (!AllocationCount::available()) GTEST_SKIP() << "this build cannot count allocations";
  const std::size_t burst = GetParam();
  FanoutRig rig(16);
  ASSERT_TRUE(rig.open(20s));
  rig.prepare(32, 180);
  std::size_t next = 0;
  // Warm-up: the queues, write lists and buffers grow to what this traffic needs.
  (void)allocations_over(rig, 8, burst, next);
  const std::uint64_t sent_before = rig.sent();
  const auto allocations = allocations_over(rig, 50, burst, next);
  EXPECT_EQ(rig.sent() - sent_before, 50 * burst * rig.clients());
  EXPECT_EQ(allocations, 0U) << "heap allocations over " << 50 * burst * rig.clients() << " deliveries";
}

// 1: one frame per write (the steady state); 8: a burst gathered into one write; 200: a backlog
// longer than one gathered send takes, copied into the session's kept buffer.
INSTANTIATE_TEST_SUITE_P(Bursts, FanoutAllocations, ::testing::Values(1, 8, 200));

TEST(FanoutAllocationCount, CountsWhatIsAllocated) {
  if (!AllocationCount::available()) GTEST_SKIP() << "this build cannot count allocations";
  AllocationCount::start();
  auto* p = new std::string(1000, 'x');  // the string object and its heap buffer
  AllocationCount::stop();
  delete p;
  EXPECT_GE(AllocationCount::count(), 2U) << "the counter must see operator new, or a 0 above proves nothing";
}

}  // namespace
}  // namespace lodestone::web
