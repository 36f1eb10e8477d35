#pragma once
// The SSE/SZSE trading calendar and sessions, Asia/Shanghai.
#include <cstdint>
#include <optional>
#include <string_view>

#include "lodestone/core/symbol.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {

enum class SessionPhase : std::uint8_t {
  Closed,          // non-trading day, before 09:15, 11:30-13:00 is LunchBreak, after 15:00
  OpeningCall,     // 09:15-09:20 call auction, orders may still be cancelled: prices are indicative
  OpeningAuction,  // 09:20-09:25 call auction, no more cancels
  PreOpen,         // 09:25-09:30 open price published, no matching
  Morning,         // 09:30-11:30 continuous
  LunchBreak,      // 11:30-13:00
  Afternoon,       // 13:00-14:57 continuous
  ClosingAuction,  // 14:57-15:00 call auction
  AfterHours,      // 15:05-15:30 fixed-price trading at the close, STAR and ChiNext only
};
std::string_view to_string(SessionPhase p);
// 09:15-09:25: the opening call, whose prices are indicative until the open is published.
constexpr bool is_opening_call(SessionPhase p) {
  return p == SessionPhase::OpeningCall || p == SessionPhase::OpeningAuction;
}

class TradingCalendar {
 public:
  // The exchanges' published closures for 2025 and 2026; weekends are always closed.
  // Outside the known years every weekday counts as a trading day.
  static const TradingCalendar& shanghai();

  [[nodiscard]] bool is_trading_day(Date d) const;
  [[nodiscard]] bool knows_year(int year) const;
  [[nodiscard]] Date next_trading_day(Date d) const;      // strictly after d
  [[nodiscard]] Date previous_trading_day(Date d) const;  // strictly before d
  // The trading day whose prices are current at t: today once the market has opened
  // (09:15) on a trading day, otherwise the last trading day before.
  [[nodiscard]] Date current_trading_day(Timestamp t) const;

  [[nodiscard]] SessionPhase phase_at(Timestamp t) const;
  // As phase_at, and the STAR/ChiNext after-hours session 15:05-15:30 for those boards.
  [[nodiscard]] SessionPhase phase_at(Timestamp t, Board board) const;
  // Orders are accepted and prices can change: auctions and continuous sessions.
  [[nodiscard]] bool is_open(Timestamp t) const;
  [[nodiscard]] bool is_continuous(Timestamp t) const;

  // Trading time between two instants: only 09:30-11:30 and 13:00-15:00 of trading days
  // count (the closing auction is trading time; the lunch break and nights are not).
  // Negative when t2 < t1.
  [[nodiscard]] std::int64_t trading_ms_between(Timestamp t1, Timestamp t2) const;
  // The instant `trading_ms` of trading time before t (the start of a trailing window).
  [[nodiscard]] Timestamp minus_trading_ms(Timestamp t, std::int64_t trading_ms) const;

  static constexpr std::int64_t kTradingMsPerDay = 240 * kMsPerMinute;

 private:
  TradingCalendar() = default;
  [[nodiscard]] static std::int64_t trading_ms_into_day(std::int64_t ms_of_day);
};

}  // namespace lodestone
