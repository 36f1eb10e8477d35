#include "lodestone/core/calendar.hpp"

#include <algorithm>
#include <array>

namespace lodestone {
namespace {

constexpr std::int64_t hm(int h, int m) { return (h * 60LL + m) * kMsPerMinute; }
constexpr std::int64_t kAuctionOpen = hm(9, 15);
constexpr std::int64_t kCancelsEnd = hm(9, 20);
constexpr std::int64_t kAuctionEnd = hm(9, 25);
constexpr std::int64_t kMorningOpen = hm(9, 30);
constexpr std::int64_t kMorningClose = hm(11, 30);
constexpr std::int64_t kAfternoonOpen = hm(13, 0);
constexpr std::int64_t kClosingAuction = hm(14, 57);
constexpr std::int64_t kClose = hm(15, 0);
constexpr std::int64_t kAfterHoursOpen = hm(15, 5);
constexpr std::int64_t kAfterHoursClose = hm(15, 30);
constexpr std::int64_t kMorningMs = kMorningClose - kMorningOpen;

struct MonthDay {
  int year;
  unsigned month;
  unsigned day;
};

// Weekday closures. Sources: the SSE/SZSE/BSE holiday notices of December 2024 and of
// 2025-12-22 (2025: 243 trading days, 2026: 242). Make-up working weekends stay closed.
constexpr std::array kClosures = {
    MonthDay{2025, 1, 1},  MonthDay{2025, 1, 28}, MonthDay{2025, 1, 29}, MonthDay{2025, 1, 30}, MonthDay{2025, 1, 31},
    MonthDay{2025, 2, 3},  MonthDay{2025, 2, 4},  MonthDay{2025, 4, 4},  MonthDay{2025, 5, 1},  MonthDay{2025, 5, 2},
    MonthDay{2025, 5, 5},  MonthDay{2025, 6, 2},  MonthDay{2025, 10, 1}, MonthDay{2025, 10, 2}, MonthDay{2025, 10, 3},
    MonthDay{2025, 10, 6}, MonthDay{2025, 10, 7}, MonthDay{2025, 10, 8}, MonthDay{2026, 1, 1},  MonthDay{2026, 1, 2},
    MonthDay{2026, 2, 16}, MonthDay{2026, 2, 17}, MonthDay{2026, 2, 18}, MonthDay{2026, 2, 19}, MonthDay{2026, 2, 20},
    MonthDay{2026, 2, 23}, MonthDay{2026, 4, 6},  MonthDay{2026, 5, 1},  MonthDay{2026, 5, 4},  MonthDay{2026, 5, 5},
    MonthDay{2026, 6, 19}, MonthDay{2026, 9, 25}, MonthDay{2026, 10, 1}, MonthDay{2026, 10, 2}, MonthDay{2026, 10, 5},
    MonthDay{2026, 10, 6}, MonthDay{2026, 10, 7},
};
constexpr int kFirstKnownYear = 2025;
constexpr int kLastKnownYear = 2026;

// Trading time elapsed on a trading day by `ms_of_day`.
std::int64_t trading_into(std::int64_t ms) {
  if (ms <= kMorningOpen) return 0;
  if (ms <= kMorningClose) return ms - kMorningOpen;
  if (ms <= kAfternoonOpen) return kMorningMs;
  if (ms <= kClose) return kMorningMs + (ms - kAfternoonOpen);
  return TradingCalendar::kTradingMsPerDay;
}

// The instant on day d at which `into` of trading time has elapsed.
Timestamp instant_at(Date d, std::int64_t into) {
  const std::int64_t ms = into <= kMorningMs ? kMorningOpen + into : kAfternoonOpen + (into - kMorningMs);
  return Timestamp{static_cast<std::int64_t>(d.days) * kMsPerDay + ms - kExchangeUtcOffsetMs};
}

}  // namespace

std::string_view to_string(SessionPhase p) {
  switch (p) {
    case SessionPhase::Closed:
      return "closed";
    case SessionPhase::OpeningCall:
      return "opening_call";
    case SessionPhase::OpeningAuction:
      return "opening_auction";
    case SessionPhase::PreOpen:
      return "pre_open";
    case SessionPhase::Morning:
      return "morning";
    case SessionPhase::LunchBreak:
      return "lunch_break";
    case SessionPhase::Afternoon:
      return "afternoon";
    case SessionPhase::ClosingAuction:
      return "closing_auction";
    case SessionPhase::AfterHours:
      return "after_hours";
  }
  return "?";
}

const TradingCalendar& TradingCalendar::shanghai() {
  static const TradingCalendar calendar;
  return calendar;
}

bool TradingCalendar::knows_year(int year) const { return year >= kFirstKnownYear && year <= kLastKnownYear; }

bool TradingCalendar::is_trading_day(Date d) const {
  const unsigned wd = weekday(d);
  if (wd == 0 || wd == 6) return false;
  const auto c = civil(d);
  return std::none_of(kClosures.begin(), kClosures.end(),
                      [&](const MonthDay& md) { return md.year == c.year && md.month == c.month && md.day == c.day; });
}

Date TradingCalendar::next_trading_day(Date d) const {
  do d = d.next();
  while (!is_trading_day(d));
  return d;
}

Date TradingCalendar::previous_trading_day(Date d) const {
  do d = d.prev();
  while (!is_trading_day(d));
  return d;
}

Date TradingCalendar::current_trading_day(Timestamp t) const {
  const Date d = exchange_date(t);
  if (is_trading_day(d) && exchange_ms_of_day(t) >= kAuctionOpen) return d;
  return previous_trading_day(d);
}

SessionPhase TradingCalendar::phase_at(Timestamp t) const {
  if (!is_trading_day(exchange_date(t))) return SessionPhase::Closed;
  const std::int64_t ms = exchange_ms_of_day(t);
  if (ms < kAuctionOpen) return SessionPhase::Closed;
  if (ms < kCancelsEnd) return SessionPhase::OpeningCall;
  if (ms < kAuctionEnd) return SessionPhase::OpeningAuction;
  if (ms < kMorningOpen) return SessionPhase::PreOpen;
  if (ms < kMorningClose) return SessionPhase::Morning;
  if (ms < kAfternoonOpen) return SessionPhase::LunchBreak;
  if (ms < kClosingAuction) return SessionPhase::Afternoon;
  if (ms < kClose) return SessionPhase::ClosingAuction;
  return SessionPhase::Closed;
}

SessionPhase TradingCalendar::phase_at(Timestamp t, Board board) const {
  const SessionPhase p = phase_at(t);
  if (p != SessionPhase::Closed || (board != Board::Star && board != Board::ChiNext)) return p;
  if (!is_trading_day(exchange_date(t))) return p;
  const std::int64_t ms = exchange_ms_of_day(t);
  return ms >= kAfterHoursOpen && ms < kAfterHoursClose ? SessionPhase::AfterHours : p;
}

bool TradingCalendar::is_open(Timestamp t) const {
  const auto p = phase_at(t);
  return p != SessionPhase::Closed && p != SessionPhase::LunchBreak;
}

bool TradingCalendar::is_continuous(Timestamp t) const {
  const auto p = phase_at(t);
  return p == SessionPhase::Morning || p == SessionPhase::Afternoon;
}

std::int64_t TradingCalendar::trading_ms_into_day(std::int64_t ms_of_day) { return trading_into(ms_of_day); }

std::int64_t TradingCalendar::trading_ms_between(Timestamp t1, Timestamp t2) const {
  if (t2 < t1) return -trading_ms_between(t2, t1);
  const Date d1 = exchange_date(t1);
  const Date d2 = exchange_date(t2);
  const std::int64_t into1 = is_trading_day(d1) ? trading_into(exchange_ms_of_day(t1)) : 0;
  const std::int64_t into2 = is_trading_day(d2) ? trading_into(exchange_ms_of_day(t2)) : 0;
  if (d1 == d2) return into2 - into1;
  std::int64_t total = (is_trading_day(d1) ? kTradingMsPerDay - into1 : 0) + into2;
  for (Date d = d1.next(); d < d2; d = d.next())
    if (is_trading_day(d)) total += kTradingMsPerDay;
  return total;
}

Timestamp TradingCalendar::minus_trading_ms(Timestamp t, std::int64_t trading_ms) const {
  if (trading_ms <= 0) return t;
  Date d = exchange_date(t);
  std::int64_t into = is_trading_day(d) ? trading_into(exchange_ms_of_day(t)) : 0;
  std::int64_t left = trading_ms;
  while (into < left) {
    left -= into;
    d = previous_trading_day(d);
    into = kTradingMsPerDay;
  }
  return instant_at(d, into - left);
}

}  // namespace lodestone
