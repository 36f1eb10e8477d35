// The daemon's calendar: loading and reloading the configured file, and what it says about how
// far the calendar reaches. Instants are fixed: nothing here depends on today's date.
#include "lodestone/app/calendar_service.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace lodestone::app {
namespace {

Timestamp on(int y, unsigned m, unsigned d, int hour = 10) { return exchange_time(make_date(y, m, d), hour, 0); }

std::string write(const std::string& text) {
  std::string path = "/tmp/lodestone-calendar-XXXXXX";
  const int fd = ::mkstemp(path.data());
  ::close(fd);
  std::ofstream(path) << text;
  return path;
}

class CalendarServiceTest : public ::testing::Test {
 protected:
  void TearDown() override {
    TradingCalendar::install(TradingCalendar::built_in());
    for (const auto& p : files_) ::unlink(p.c_str());
  }
  std::string file(const std::string& text) { return files_.emplace_back(write(text)); }
  std::vector<std::string> files_;
};

const char* const kOnly2027 = "2027:\n  source: test notice\n  closed:\n    元旦: [2027-01-01]\n";

TEST_F(CalendarServiceTest, LoadInstallsTheFileAsTheProcessCalendar) {
  CalendarService service(file(kOnly2027));
  ASSERT_TRUE(service.load());
  const auto& cal = TradingCalendar::shanghai();
  EXPECT_FALSE(cal.is_trading_day(make_date(2027, 1, 1)));
  EXPECT_FALSE(cal.known(make_date(2026, 10, 1)));  // the file is the calendar: 2026 is gone
  EXPECT_TRUE(cal.is_trading_day(make_date(2026, 10, 1)));
}

TEST_F(CalendarServiceTest, AFailedReloadKeepsTheRunningCalendarAndIsCounted) {
  const std::string path = file(kOnly2027);
  CalendarService service(path);
  ASSERT_TRUE(service.load());
  std::ofstream(path) << "2027:\n  source: test notice\n  closed:\n    元旦: [2027-01-02]\n";
  const auto st = service.reload();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().message, path +
                                    ":4:10: 2027-01-02 is a Saturday: weekends are always closed, list only "
                                    "weekday closures");
  EXPECT_EQ(service.reload_errors(), 1U);
  EXPECT_FALSE(TradingCalendar::shanghai().is_trading_day(make_date(2027, 1, 1)));  // still the old file
  std::ofstream(path) << kOnly2027 << "2028:\n  source: next\n  closed: {}\n";
  ASSERT_TRUE(service.reload());
  EXPECT_EQ(service.reload_errors(), 1U);
  EXPECT_EQ(TradingCalendar::shanghai().last_known_day(), make_date(2028, 12, 31));
}

TEST_F(CalendarServiceTest, WithoutAFileTheBuiltInCalendarServes) {
  CalendarService service("");
  EXPECT_TRUE(service.load());
  EXPECT_TRUE(service.check());
  EXPECT_EQ(service.source(), "deploy/calendar.yaml (built in)");
  EXPECT_EQ(TradingCalendar::shanghai().last_known_day(), make_date(2026, 12, 31));
}

TEST(CalendarHorizon, WarnsFromThirtyDaysBeforeTheEnd) {
  const auto& cal = TradingCalendar::shanghai();              // known until 2026-12-31
  EXPECT_FALSE(calendar_horizon(cal, on(2026, 12, 1)).warn);  // 30 days left
  const auto h = calendar_horizon(cal, on(2026, 12, 4));
  EXPECT_TRUE(h.warn);
  EXPECT_EQ(h.days_known, 27);
  EXPECT_EQ(calendar_warning(h, "/etc/lodestone/calendar.yaml"),
            "calendar: the exchanges' closures are known until 2026-12-31, 27 days from today; after that every "
            "weekday counts as a trading day; add next year's closures to /etc/lodestone/calendar.yaml the day the "
            "exchanges publish them (README, \"Next year's closures\")");
  const auto past = calendar_horizon(cal, on(2027, 1, 5));
  EXPECT_EQ(past.days_known, -5);
  EXPECT_NE(calendar_warning(past, "c.yaml").find("2027-01-05 is past 2026-12-31"), std::string::npos);
  EXPECT_EQ(calendar_warning(calendar_horizon(cal, on(2026, 6, 1)), "c.yaml"), "");
}

TEST(CalendarWatch, SaysItAtStartAndThenOncePerExchangeDay) {
  const auto& cal = TradingCalendar::shanghai();
  CalendarWatch watch;
  EXPECT_TRUE(watch.check(cal, on(2026, 12, 10, 9), "c.yaml"));
  EXPECT_FALSE(watch.check(cal, on(2026, 12, 10, 15), "c.yaml"));
  EXPECT_FALSE(watch.check(cal, on(2026, 12, 10, 23), "c.yaml"));
  // 16:00 UTC is midnight in Shanghai: the exchange date turns, not the UTC one.
  EXPECT_TRUE(watch.check(cal, Timestamp{exchange_time(make_date(2026, 12, 11), 0, 0).ms}, "c.yaml"));
  EXPECT_FALSE(watch.check(cal, on(2026, 12, 11, 12), "c.yaml"));
  CalendarWatch quiet;
  EXPECT_FALSE(quiet.check(cal, on(2026, 6, 1), "c.yaml"));
  EXPECT_FALSE(quiet.check(cal, on(2026, 6, 2), "c.yaml"));
}

}  // namespace
}  // namespace lodestone::app
