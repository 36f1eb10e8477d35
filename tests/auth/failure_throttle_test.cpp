#include "lodestone/auth/failure_throttle.hpp"

#include <gtest/gtest.h>

namespace lodestone::auth {
namespace {

using namespace std::chrono_literals;

TEST(FailureThrottle, ABurstOfFailuresThenOneMoreEveryRefill) {
  ManualClock clock;
  FailureThrottle t(clock, ThrottleOptions{5, 6s, 100});
  EXPECT_EQ(t.retry_after("192.0.2.7"), 0ms);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(t.retry_after("192.0.2.7"), 0ms) << i;
    t.failed("192.0.2.7");
  }
  EXPECT_EQ(t.retry_after("192.0.2.7"), 6000ms);
  EXPECT_EQ(t.retry_after("192.0.2.8"), 0ms) << "per address";
  clock.advance(4s);
  EXPECT_EQ(t.retry_after("192.0.2.7"), 2000ms);
  clock.advance(2s);
  EXPECT_EQ(t.retry_after("192.0.2.7"), 0ms);
  t.failed("192.0.2.7");
  EXPECT_EQ(t.retry_after("192.0.2.7"), 6000ms);
  clock.advance(1h);  // refills to the burst, no further
  for (int i = 0; i < 5; ++i) t.failed("192.0.2.7");
  EXPECT_GT(t.retry_after("192.0.2.7"), 0ms);
}

TEST(FailureThrottle, RemembersABoundedNumberOfAddresses) {
  ManualClock clock;
  FailureThrottle t(clock, ThrottleOptions{1, 60s, 64});
  for (int i = 0; i < 10'000; ++i) t.failed("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  EXPECT_EQ(t.tracked(), 64U);
  EXPECT_GT(t.retry_after("10.0.39.15"), 0ms) << "the most recent are kept";
  EXPECT_EQ(t.retry_after("10.0.0.0"), 0ms) << "the oldest forgotten";
}

TEST(FailureThrottle, AnIpv6HostCountsAgainstItsSlash64) {
  EXPECT_EQ(FailureThrottle::key_of("2001:db8:1:2:aaaa::1"), FailureThrottle::key_of("2001:db8:1:2:bbbb::2"));
  EXPECT_NE(FailureThrottle::key_of("2001:db8:1:2::1"), FailureThrottle::key_of("2001:db8:1:3::1"));
  EXPECT_EQ(FailureThrottle::key_of("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(FailureThrottle::key_of("192.0.2.7"), "192.0.2.7");
  ManualClock clock;
  FailureThrottle t(clock, ThrottleOptions{1, 60s, 64});
  t.failed("2001:db8:1:2::1");
  EXPECT_GT(t.retry_after("2001:db8:1:2::ffff"), 0ms);
}

}  // namespace
}  // namespace lodestone::auth
