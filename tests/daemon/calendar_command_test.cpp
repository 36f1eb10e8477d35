// `lodestone calendar`: what it prints for a person and as JSON, and how it refuses a bad date.
#include "lodestone/app/calendar_command.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace lodestone::app {
namespace {

struct Run {
  int rc;
  std::string out, err;
};

Run run(CalendarCommand c) {
  const ManualClock clock(exchange_time(make_date(2026, 4, 6), 10, 0));  // Qingming, a Monday
  std::ostringstream out, err;
  const int rc = run_calendar_command(c, clock, out, err);
  return {rc, out.str(), err.str()};
}

TEST(CalendarCommand, JsonOneObjectPerDate) {
  const auto r = run({{"2026-10-08", "2026-10-01", "20270101"}, "", true});
  ASSERT_EQ(r.rc, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, R"({"date":"2026-10-08","trading":true,"known":true,"closed_for":null,"sessions":[)"
                  R"({"name":"opening_call","start":"09:15","end":"09:20","cancellable":true},)"
                  R"({"name":"opening_auction","start":"09:20","end":"09:25"},)"
                  R"({"name":"morning","start":"09:30","end":"11:30"},)"
                  R"({"name":"afternoon","start":"13:00","end":"14:57"},)"
                  R"({"name":"closing_auction","start":"14:57","end":"15:00"},)"
                  R"({"name":"after_hours","start":"15:05","end":"15:30","boards":["star","chinext"]}]})");
  std::getline(lines, line);
  EXPECT_EQ(line, R"({"date":"2026-10-01","trading":false,"known":true,"closed_for":"国庆节","sessions":[]})");
  std::getline(lines, line);
  EXPECT_NE(line.find(R"("date":"2027-01-01","trading":true,"known":false,"closed_for":null)"), std::string::npos);
}

TEST(CalendarCommand, OneLineForAPerson) {
  const auto r = run({{"today", "2026-02-21", "2027-01-01"}, "", false});
  ASSERT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("2026-04-06 Mon  closed (清明节)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2026-02-21 Sat  closed (春节)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2027-01-01 Fri  trading: 09:15-09:20 opening call (cancellable)"), std::string::npos);
  EXPECT_NE(r.out.find("15:05-15:30 after-hours (STAR, ChiNext)  [unknown: the calendar ends 2026-12-31"),
            std::string::npos)
      << r.out;
}

TEST(CalendarCommand, ABadDateIsRefusedWithExit2AndNothingPrinted) {
  const auto r = run({{"2026-10-08", "2026-02-30"}, "", false});
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "calendar: '2026-02-30' is not a date: expected YYYY-MM-DD, YYYYMMDD or today\n");
}

TEST(CalendarCommand, ReadsAnotherCalendarFile) {
  const auto r = run({{"2026-10-01"}, "/nonexistent/calendar.yaml", true});
  EXPECT_EQ(r.rc, 2);
  EXPECT_EQ(r.err, "/nonexistent/calendar.yaml: cannot read the calendar file\n");
  const auto shipped = run({{"2026-10-01"}, LODESTONE_SOURCE_DIR "/deploy/calendar.yaml", true});
  EXPECT_EQ(shipped.rc, 0);
  EXPECT_NE(shipped.out.find(R"("closed_for":"国庆节")"), std::string::npos);
}

}  // namespace
}  // namespace lodestone::app
