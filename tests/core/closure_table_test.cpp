// The calendar file (deploy/calendar.yaml) and its loader: what it accepts, what it refuses and
// where it says the fault is.
#include "lodestone/core/closure_table.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "lodestone/core/calendar.hpp"

namespace lodestone {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* const k2027 = R"(
2027:
  source: a test notice
  closed:
    元旦: [2027-01-01]
    春节: [2027-02-08..2027-02-12]
)";

std::string error_of(const std::string& text) {
  auto t = parse_closure_table(text, "cal.yaml");
  EXPECT_FALSE(t) << text;
  return t ? std::string() : t.error().message;
}

TEST(ClosureTable, TheShippedFileIsTheBuiltInCalendar) {
  auto shipped = load_closure_table(LODESTONE_SOURCE_DIR "/deploy/calendar.yaml");
  ASSERT_TRUE(shipped) << shipped.error().message;
  const TradingCalendar file(std::move(*shipped));
  const auto& built_in = TradingCalendar::shanghai();
  for (Date d = make_date(2024, 12, 1); d <= make_date(2027, 2, 1); d = d.next()) {
    ASSERT_EQ(file.is_trading_day(d), built_in.is_trading_day(d)) << format_date(d);
    ASSERT_EQ(file.closed_for(d), built_in.closed_for(d)) << format_date(d);
    ASSERT_EQ(file.known(d), built_in.known(d)) << format_date(d);
  }
  ASSERT_EQ(file.closures().years().size(), 2U);
  EXPECT_EQ(file.closures().years()[1].source, "SSE/SZSE/BSE notice of 2025-12-22");
}

TEST(ClosureTable, NamesTheHolidayOfEachClosedDay) {
  const auto& cal = TradingCalendar::shanghai();
  EXPECT_EQ(cal.closed_for(make_date(2026, 10, 1)), "国庆节");
  EXPECT_EQ(cal.closed_for(make_date(2026, 2, 21)), "春节");     // a Saturday inside the range
  EXPECT_EQ(cal.closed_for(make_date(2026, 2, 14)), "weekend");  // the make-up Saturday: closed
  EXPECT_EQ(cal.closed_for(make_date(2025, 10, 8)), "国庆节、中秋节");
  EXPECT_EQ(cal.closed_for(make_date(2026, 9, 25)), "中秋节");
  EXPECT_EQ(cal.closed_for(make_date(2026, 10, 8)), std::nullopt);
}

TEST(ClosureTable, DatesPastTheLastYearAreUnknownAndWeekdaysCountAsTrading) {
  const auto& cal = TradingCalendar::shanghai();
  EXPECT_TRUE(cal.known(make_date(2026, 12, 31)));
  EXPECT_FALSE(cal.known(make_date(2027, 1, 1)));
  EXPECT_FALSE(cal.known(make_date(2024, 12, 31)));
  EXPECT_TRUE(cal.is_trading_day(make_date(2027, 1, 1)));  // New Year's Day: open, but unknown
  EXPECT_TRUE(cal.knows_year(2026));
  EXPECT_FALSE(cal.knows_year(2027));
  EXPECT_EQ(cal.last_known_day(), make_date(2026, 12, 31));
  EXPECT_EQ(cal.days_known_from(make_date(2026, 12, 4)), 27);
  EXPECT_EQ(cal.days_known_from(make_date(2026, 12, 31)), 0);
  EXPECT_EQ(cal.days_known_from(make_date(2027, 1, 10)), -10);
  EXPECT_EQ(TradingCalendar(ClosureTable{}).days_known_from(make_date(2026, 1, 1)), -1);
}

// install() is the SIGHUP path: every test that uses it puts the built-in table back.
class InstalledCalendar : public ::testing::Test {
 protected:
  void TearDown() override { TradingCalendar::install(TradingCalendar::built_in()); }
};

TEST_F(InstalledCalendar, AddingNextYearsNoticeClosesItsHolidays) {
  auto table = parse_closure_table(read_file(LODESTONE_SOURCE_DIR "/deploy/calendar.yaml") + k2027, "cal.yaml");
  ASSERT_TRUE(table) << table.error().message;
  const auto& cal = TradingCalendar::shanghai();
  const void* before = cal.revision();
  TradingCalendar::install(std::move(*table));
  EXPECT_NE(cal.revision(), before);
  EXPECT_FALSE(cal.is_trading_day(make_date(2027, 1, 1)));
  EXPECT_EQ(cal.closed_for(make_date(2027, 2, 10)), "春节");
  EXPECT_TRUE(cal.known(make_date(2027, 12, 31)));
  EXPECT_EQ(cal.last_known_day(), make_date(2027, 12, 31));
  EXPECT_EQ(cal.next_trading_day(make_date(2026, 12, 31)), make_date(2027, 1, 4));
}

// Readers on other threads while the table is swapped under them (ASan and TSan builds).
TEST_F(InstalledCalendar, ReadersSeeOneTableOrTheOtherWhileItIsReplaced) {
  auto with2027 = parse_closure_table(read_file(LODESTONE_SOURCE_DIR "/deploy/calendar.yaml") + k2027, "cal.yaml");
  ASSERT_TRUE(with2027);
  const ClosureTable a = TradingCalendar::built_in();
  const ClosureTable b = *with2027;
  std::atomic<bool> stop{false};
  std::atomic<int> odd{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      const auto& cal = TradingCalendar::shanghai();
      while (!stop.load()) {
        // 2026-12-31 to 2027-01-04 is one trading day apart with the 2027 notice, two without.
        const auto ms = cal.trading_ms_between(exchange_time(make_date(2026, 12, 31), 15, 0),
                                               exchange_time(make_date(2027, 1, 4), 15, 0));
        if (ms != TradingCalendar::kTradingMsPerDay && ms != 2 * TradingCalendar::kTradingMsPerDay) ++odd;
      }
    });
  }
  for (int i = 0; i < 200; ++i) TradingCalendar::install(i % 2 ? a : b);
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(odd.load(), 0);
}

TEST(ClosureTable, ErrorsSayWhereAndWhat) {
  const std::string head = "2027:\n  source: n\n  closed:\n";
  EXPECT_EQ(error_of(head + "    元旦: [2027-01-32]\n"),
            "cal.yaml:4:10: bad date '2027-01-32' (expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)");
  EXPECT_EQ(error_of(head + "    元旦: [20270101]\n"),
            "cal.yaml:4:10: bad date '20270101' (expected YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)");
  EXPECT_EQ(error_of(head + "    春节: [2027-02-12..2027-02-08]\n"),
            "cal.yaml:4:10: range reversed: 2027-02-12..2027-02-08 ends before it starts");
  EXPECT_EQ(error_of(head + "    元旦: [2026-12-31..2027-01-01]\n"),
            "cal.yaml:4:10: 2026-12-31 is outside 2027: list it under its own year");
  EXPECT_EQ(error_of(head + "    元旦: [2027-01-02]\n"),
            "cal.yaml:4:10: 2027-01-02 is a Saturday: weekends are always closed, list only weekday closures");
  EXPECT_EQ(error_of(head + "    元旦: [2027-01-02..2027-01-03]\n"),
            "cal.yaml:4:10: 2027-01-02..2027-01-03 holds no weekday: weekends are always closed");
  EXPECT_EQ(error_of(head + "    元旦: [2027-01-01]\n    春节: [2027-01-01]\n"),
            "cal.yaml:5:10: 2027-01-01 is listed twice in 2027");
  EXPECT_EQ(error_of(head + "    元旦: [2027-01-01]\n2027:\n  source: m\n  closed: {}\n"),
            "cal.yaml:5:1: duplicate year 2027");
  EXPECT_EQ(error_of("2027:\n  closed: {}\n"), "cal.yaml:1:1: 2027 needs a source: the notice its closures come from");
  EXPECT_EQ(error_of("2027:\n  source: n\n"), "cal.yaml:1:1: 2027 needs closed: {holiday name: [dates]}");
  EXPECT_EQ(error_of("2027:\n  source: n\n  closed: {}\n  trading_day: 1\n"),
            "cal.yaml:4:3: unknown key 'trading_day' in 2027 (expected one of: closed, source, trading_days)");
  EXPECT_EQ(error_of("2027:\n  source: n\n  trading_days: 250\n  closed:\n    元旦: [2027-01-01]\n"),
            "cal.yaml:3:17: 2027 has 260 trading days by the dates listed, trading_days says 250");
  EXPECT_EQ(error_of("2025:\n  source: n\n  closed: {}\n2027:\n  source: n\n  closed: {}\n"),
            "cal.yaml:4:1: years must follow each other: 2026 is missing before 2027");
  EXPECT_EQ(error_of("next:\n  source: n\n  closed: {}\n"),
            "cal.yaml:1:1: 'next' is not a year (a key such as 2027, between 1990 and 2200)");
  EXPECT_EQ(error_of(head + "    元旦: 2027-01-01\n"),
            "cal.yaml:4:9: 元旦 must list its dates, e.g. [2027-10-01..2027-10-07]");
  EXPECT_EQ(error_of(""), "cal.yaml: the calendar names no year");
  EXPECT_EQ(error_of("2027: [\n"), "cal.yaml:2:1: end of sequence flow not found");
  EXPECT_EQ(load_closure_table("/nonexistent/cal.yaml").error().code, ErrorCode::io_error);
}

TEST(ClosureTable, AYearWithoutClosuresIsKnownAndAllItsWeekdaysTrade) {
  auto t = parse_closure_table("2030:\n  source: n\n  closed: {}\n", "cal.yaml");
  ASSERT_TRUE(t) << t.error().message;
  const TradingCalendar cal(std::move(*t));
  EXPECT_TRUE(cal.known(make_date(2030, 1, 1)));
  EXPECT_TRUE(cal.is_trading_day(make_date(2030, 1, 1)));
  EXPECT_FALSE(cal.known(make_date(2031, 1, 1)));
}

}  // namespace
}  // namespace lodestone
