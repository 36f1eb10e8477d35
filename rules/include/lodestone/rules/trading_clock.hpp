#pragma once
// Trading time as one number: milliseconds of trading time since a fixed anchor, so a window
// of "15 trading minutes" is a subtraction and windows across the lunch break and overnight
// need no calendar walk per quote. The number stands still outside the sessions (the lunch
// break, nights, weekends and holidays). Agrees exactly with
// TradingCalendar::trading_ms_between; days are computed once and cached, and computed afresh
// when the calendar's closures are replaced (a SIGHUP that adds next year's notice).
#include <array>
#include <cstdint>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone::rules {

class TradingClock {
 public:
  explicit TradingClock(const TradingCalendar& calendar);

  // Trading milliseconds from the anchor (2020-01-01) to t.
  [[nodiscard]] std::int64_t at(Timestamp t);
  // TradingCalendar::current_trading_day(t), cached.
  [[nodiscard]] Date trading_day(Timestamp t);
  // The close (15:00) of a trading day.
  [[nodiscard]] Timestamp close_of(Date trading_day);

  [[nodiscard]] const TradingCalendar& calendar() const { return calendar_; }

 private:
  struct Day {
    Date date{-1};
    bool trading = false;
    std::int64_t base = 0;  // trading ms from the anchor to this day's first session
    Timestamp open, morning_close, afternoon_open, close;
    Timestamp auction_open;  // current_trading_day switches to this day here
    Date before_auction;     // current_trading_day before auction_open
  };
  const Day& day(Date d);
  Day compute(Date d);

  const TradingCalendar& calendar_;
  const void* revision_ = nullptr;  // the calendar's closures the cache was built from
  Timestamp anchor_;
  std::array<Day, 8> cache_{};  // small direct-mapped cache by date
};

}  // namespace lodestone::rules
