#include "lodestone/rules/trading_clock.hpp"

#include <gtest/gtest.h>

#include <random>

#include "universe.hpp"

namespace lodestone::rules {
namespace {

using testing::at;

TEST(TradingClock, AgreesWithTheCalendarEverywhere) {
  const auto& cal = TradingCalendar::shanghai();
  TradingClock clock(cal);
  std::mt19937_64 rng(7);  // synthetic instants around the 2026 Spring Festival closure
  const std::int64_t from = at(2, 5, 0, 0).ms;
  const std::int64_t span = 25 * kMsPerDay;
  for (int i = 0; i < 2000; ++i) {
    const Timestamp a{from + static_cast<std::int64_t>(rng() % span)};
    const Timestamp b{from + static_cast<std::int64_t>(rng() % span)};
    ASSERT_EQ(clock.at(b) - clock.at(a), cal.trading_ms_between(a, b))
        << format_timestamp(a) << " " << format_timestamp(b);
    ASSERT_EQ(clock.trading_day(a), cal.current_trading_day(a)) << format_timestamp(a);
  }
}

TEST(TradingClock, StandsStillOutsideSessions) {
  TradingClock clock(TradingCalendar::shanghai());
  EXPECT_EQ(clock.at(at(2, 9, 11, 30)), clock.at(at(2, 9, 12, 59)));
  EXPECT_EQ(clock.at(at(2, 9, 13, 5)) - clock.at(at(2, 9, 11, 20)), 15 * kMsPerMinute);
  EXPECT_EQ(clock.at(at(2, 6, 15, 0)), clock.at(at(2, 9, 9, 30)));    // Friday close = Monday open
  EXPECT_EQ(clock.at(at(2, 13, 15, 0)), clock.at(at(2, 24, 9, 25)));  // across the holiday
  EXPECT_EQ(clock.close_of(make_date(2026, 2, 9)), at(2, 9, 15, 0));
}

}  // namespace
}  // namespace lodestone::rules
