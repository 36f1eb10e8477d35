#include "lodestone/core/calendar.hpp"

#include <gtest/gtest.h>

namespace lodestone {
namespace {

const TradingCalendar& cal = TradingCalendar::shanghai();
Timestamp at(const char* s) { return *parse_timestamp(s); }

TEST(Calendar, CountsThePublishedTradingDays) {
  int days2026 = 0;
  for (Date d = make_date(2026, 1, 1); d <= make_date(2026, 12, 31); d = d.next()) days2026 += cal.is_trading_day(d);
  EXPECT_EQ(days2026, 242);
  int days2025 = 0;
  for (Date d = make_date(2025, 1, 1); d <= make_date(2025, 12, 31); d = d.next()) days2025 += cal.is_trading_day(d);
  EXPECT_EQ(days2025, 243);
}

TEST(Calendar, HolidaysAndMakeUpWeekendsAreClosed) {
  EXPECT_FALSE(cal.is_trading_day(make_date(2026, 2, 16)));  // Spring Festival
  EXPECT_FALSE(cal.is_trading_day(make_date(2026, 2, 14)));  // make-up Saturday: still closed
  EXPECT_FALSE(cal.is_trading_day(make_date(2026, 2, 23)));
  EXPECT_TRUE(cal.is_trading_day(make_date(2026, 2, 24)));
  EXPECT_TRUE(cal.is_trading_day(make_date(2026, 2, 13)));
  EXPECT_EQ(cal.next_trading_day(make_date(2026, 2, 13)), make_date(2026, 2, 24));
  EXPECT_EQ(cal.previous_trading_day(make_date(2026, 1, 5)), make_date(2025, 12, 31));
}

TEST(Calendar, SessionPhases) {
  EXPECT_EQ(cal.phase_at(at("2026-02-09T09:14:59+08:00")), SessionPhase::Closed);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T09:15:00+08:00")), SessionPhase::OpeningCall);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T09:19:59+08:00")), SessionPhase::OpeningCall);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T09:20:00+08:00")), SessionPhase::OpeningAuction);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T09:27:00+08:00")), SessionPhase::PreOpen);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T09:30:00+08:00")), SessionPhase::Morning);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T11:30:00+08:00")), SessionPhase::LunchBreak);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T13:00:00+08:00")), SessionPhase::Afternoon);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T14:58:00+08:00")), SessionPhase::ClosingAuction);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T15:00:00+08:00")), SessionPhase::Closed);
  EXPECT_EQ(cal.phase_at(at("2026-02-07T10:00:00+08:00")), SessionPhase::Closed);  // Saturday
  // The after-hours fixed-price session belongs to STAR and ChiNext only.
  EXPECT_EQ(cal.phase_at(at("2026-02-09T15:05:00+08:00"), Board::Star), SessionPhase::AfterHours);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T15:29:59+08:00"), Board::ChiNext), SessionPhase::AfterHours);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T15:30:00+08:00"), Board::ChiNext), SessionPhase::Closed);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T15:04:59+08:00"), Board::Star), SessionPhase::Closed);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T15:10:00+08:00"), Board::Main), SessionPhase::Closed);
  EXPECT_EQ(cal.phase_at(at("2026-02-09T10:00:00+08:00"), Board::Star), SessionPhase::Morning);
  EXPECT_EQ(cal.phase_at(at("2026-02-07T15:10:00+08:00"), Board::Star), SessionPhase::Closed);  // Saturday
  EXPECT_TRUE(cal.is_open(at("2026-02-09T09:20:00+08:00")));
  EXPECT_FALSE(cal.is_open(at("2026-02-09T12:00:00+08:00")));
  EXPECT_FALSE(cal.is_continuous(at("2026-02-09T09:20:00+08:00")));
  EXPECT_TRUE(cal.is_continuous(at("2026-02-09T14:00:00+08:00")));
}

TEST(Calendar, TradingMinutesSkipLunchAndNights) {
  auto minutes = [](const char* a, const char* b) { return cal.trading_ms_between(at(a), at(b)) / 60'000; };
  EXPECT_EQ(minutes("2026-02-09T10:00:00+08:00", "2026-02-09T10:15:00+08:00"), 15);
  EXPECT_EQ(minutes("2026-02-09T11:20:00+08:00", "2026-02-09T13:10:00+08:00"), 20);   // across lunch
  EXPECT_EQ(minutes("2026-02-09T14:50:00+08:00", "2026-02-10T09:40:00+08:00"), 20);   // overnight
  EXPECT_EQ(minutes("2026-02-13T14:55:00+08:00", "2026-02-24T09:35:00+08:00"), 10);   // Spring Festival
  EXPECT_EQ(minutes("2026-02-06T09:30:00+08:00", "2026-02-09T15:00:00+08:00"), 480);  // Fri + Mon
  EXPECT_EQ(minutes("2026-02-09T10:15:00+08:00", "2026-02-09T10:00:00+08:00"), -15);
  EXPECT_EQ(minutes("2026-02-09T12:00:00+08:00", "2026-02-09T12:30:00+08:00"), 0);
}

TEST(Calendar, TrailingWindowStart) {
  EXPECT_EQ(format_timestamp(cal.minus_trading_ms(at("2026-02-09T13:10:00+08:00"), 15 * 60'000)),
            "2026-02-09T11:25:00.000+08:00");
  EXPECT_EQ(format_timestamp(cal.minus_trading_ms(at("2026-02-10T09:35:00+08:00"), 15 * 60'000)),
            "2026-02-09T14:50:00.000+08:00");
  EXPECT_EQ(format_timestamp(cal.minus_trading_ms(at("2026-02-24T09:31:00+08:00"), 2 * 60'000)),
            "2026-02-13T14:59:00.000+08:00");
  EXPECT_EQ(format_timestamp(cal.minus_trading_ms(at("2026-02-09T10:00:00+08:00"), 0)),
            "2026-02-09T10:00:00.000+08:00");
}

TEST(Calendar, CurrentTradingDay) {
  EXPECT_EQ(cal.current_trading_day(at("2026-02-09T09:00:00+08:00")), make_date(2026, 2, 6));
  EXPECT_EQ(cal.current_trading_day(at("2026-02-09T09:15:00+08:00")), make_date(2026, 2, 9));
  EXPECT_EQ(cal.current_trading_day(at("2026-02-08T12:00:00+08:00")), make_date(2026, 2, 6));
}

// 15:05-15:30 on STAR and ChiNext is a session the calendar knows, not a gap: it is neither
// continuous trading (no moves to measure, prices fixed at the close) nor "open" for the feeds'
// staleness (a main-board source is silent then, and must not turn stale).
TEST(Calendar, AfterHoursIsKnownButNeitherOpenNorContinuous) {
  const Timestamp t = at("2026-02-09T15:10:00+08:00");
  EXPECT_EQ(cal.phase_at(t, Board::Star), SessionPhase::AfterHours);
  EXPECT_FALSE(cal.is_open(t));
  EXPECT_FALSE(cal.is_continuous(t));
  EXPECT_EQ(cal.trading_ms_between(at("2026-02-09T15:00:00+08:00"), at("2026-02-09T15:30:00+08:00")), 0);
  EXPECT_EQ(cal.phase_at(at("2026-04-06T15:10:00+08:00"), Board::ChiNext), SessionPhase::Closed);  // 清明节
  const auto& after_hours = TradingCalendar::sessions().back();
  EXPECT_EQ(after_hours.phase, SessionPhase::AfterHours);
  EXPECT_TRUE(after_hours.star_chinext_only);
  EXPECT_EQ(after_hours.start_ms, 15 * 60 * kMsPerMinute + 5 * kMsPerMinute);
}

// The session table the CLI prints agrees with phase_at at every minute of a trading day.
TEST(Calendar, SessionTableAgreesWithPhaseAt) {
  const Date d = make_date(2026, 10, 8);
  for (int minute = 0; minute < 24 * 60; ++minute) {
    const Timestamp t = exchange_time(d, minute / 60, minute % 60);
    const std::int64_t ms = minute * kMsPerMinute;
    SessionPhase expected = SessionPhase::Closed;
    for (const auto& s : TradingCalendar::sessions())
      if (ms >= s.start_ms && ms < s.end_ms) expected = s.phase;
    const SessionPhase got = cal.phase_at(t, Board::Star);
    if (got == SessionPhase::PreOpen || got == SessionPhase::LunchBreak) continue;  // not sessions
    EXPECT_EQ(got, expected) << minute;
  }
}

}  // namespace
}  // namespace lodestone
