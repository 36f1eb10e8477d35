#include "lodestone/core/clock.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace lodestone {
namespace {

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(Timestamp{1'770'600'000'000});
  const auto steady0 = clock.steady();
  EXPECT_EQ(clock.now().ms, 1'770'600'000'000);
  EXPECT_EQ(clock.steady(), steady0);
  clock.advance(std::chrono::milliseconds(1500));
  EXPECT_EQ(clock.now().ms, 1'770'600'001'500);
  EXPECT_EQ(clock.steady() - steady0, std::chrono::milliseconds(1500));
  // Setting the wall clock (an NTP step) leaves monotonic time alone.
  clock.set(Timestamp{1'770'500'000'000});
  EXPECT_EQ(clock.now().ms, 1'770'500'000'000);
  EXPECT_EQ(clock.steady() - steady0, std::chrono::milliseconds(1500));
}

TEST(Clock, SystemClockReadsTheOperatingSystem) {
  const Clock& clock = system_clock();
  const auto before = std::chrono::system_clock::now();
  const Timestamp t = clock.now();
  const auto after = std::chrono::system_clock::now();
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  EXPECT_GE(t.ms, duration_cast<milliseconds>(before.time_since_epoch()).count());
  EXPECT_LE(t.ms, duration_cast<milliseconds>(after.time_since_epoch()).count());
  const auto s0 = clock.steady();
  EXPECT_LE(s0, clock.steady()) << "monotonic";
  EXPECT_EQ(&system_clock(), &clock) << "one clock for the process";
}

}  // namespace
}  // namespace lodestone
