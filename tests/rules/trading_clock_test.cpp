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

// A SIGHUP that adds next year's notice reaches a clock already running on shanghai(): its cached
// days are computed afresh, so 2027-01-01 stops being a trading day.
TEST(TradingClock, FollowsTheCalendarWhenItIsReplaced) {
  const auto& cal = TradingCalendar::shanghai();
  TradingClock clock(cal);
  const Timestamp new_year = exchange_time(make_date(2027, 1, 1), 10, 0);
  const Timestamp next_monday = exchange_time(make_date(2027, 1, 4), 10, 0);
  EXPECT_EQ(clock.trading_day(new_year), make_date(2027, 1, 1));           // unknown: counted as trading
  const std::int64_t before = clock.at(next_monday) - clock.at(new_year);  // 10:00 to 10:00, a trading day
  auto table = parse_closure_table(
      "2026:\n  source: t\n  closed: {}\n2027:\n  source: t\n  closed:\n    元旦: [2027-01-01]\n", "t.yaml");
  ASSERT_TRUE(table) << table.error().message;
  TradingCalendar::install(std::move(*table));
  EXPECT_EQ(clock.trading_day(new_year), make_date(2026, 12, 31));
  EXPECT_EQ(before, TradingCalendar::kTradingMsPerDay);
  EXPECT_EQ(clock.at(next_monday) - clock.at(new_year), 30 * kMsPerMinute);  // 09:30-10:00 on the 4th
  EXPECT_EQ(clock.at(next_monday) - clock.at(new_year), cal.trading_ms_between(new_year, next_monday));
  TradingCalendar::install(TradingCalendar::built_in());
  EXPECT_EQ(clock.trading_day(new_year), make_date(2027, 1, 1));
}

}  // namespace
}  // namespace lodestone::rules
