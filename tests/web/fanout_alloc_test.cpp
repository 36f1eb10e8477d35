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

// The headlines of one pipeline turn are broadcast together (bus::Fanout's burst): each client
// takes them all before it writes, so they leave in one write per client, allocating nothing.
TEST(FanoutBursts, HeadlinesBroadcastTogetherLeaveInOneWritePerClient) {
  FanoutRig rig(20);
  ASSERT_TRUE(rig.open(20s));
  rig.prepare(16, 180);
  for (int round = 0; round < 5; ++round) {
    const std::uint64_t writes = rig.hub().writes();
    const std::uint64_t sent = rig.sent();
    if (AllocationCount::available()) AllocationCount::start();
    rig.broadcast_together(0, 8);
    const bool written = rig.run_until_sent(sent + 8 * rig.clients(), 20s);
    if (AllocationCount::available()) {
      AllocationCount::stop();
      if (round > 0) EXPECT_EQ(AllocationCount::count(), 0U) << "round " << round;  // the first one warms up
    }
    ASSERT_TRUE(written) << "round " << round;
    EXPECT_EQ(rig.hub().writes() - writes, rig.clients()) << "round " << round << ": one write per client";
    (void)rig.drain();
  }
}

// A burst to a client with room goes to its socket at once, past the queue. When the socket
// takes only part of it (its buffers are set small here, so that holds on any kernel), the rest
// follows from the session's own copy, and what is broadcast meanwhile waits behind it: the
// client gets every byte, in order.
TEST(FanoutBursts, ABurstTheSocketTakesOnlyPartOfArrivesWholeAndInOrder) {
  FanoutRig rig(1, {.server_send = 4096, .client_receive = 4096});
  ASSERT_TRUE(rig.open(20s));
  rig.prepare(6, 64 * 1024);
  std::string expected;
  for (std::size_t i = 0; i < 6; ++i) expected += rig.wire(i);
  const std::uint64_t sent = rig.sent();
  rig.broadcast_together(0, 4);  // 256 KiB: far more than the socket holds
  rig.broadcast_together(4, 2);  // while the rest of the first is under way
  const std::string got = rig.receive(0, expected.size(), 20s);
  ASSERT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected) << "the bytes differ from the frames broadcast, or their order";
  EXPECT_TRUE(rig.run_until_sent(sent + 6, 20s));
  EXPECT_EQ(rig.sent() - sent, 6U);
}

}  // namespace
}  // namespace lodestone::web
