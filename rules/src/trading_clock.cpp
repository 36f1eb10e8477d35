#include "lodestone/rules/trading_clock.hpp"

namespace lodestone::rules {

TradingClock::TradingClock(const TradingCalendar& calendar)
    : calendar_(calendar), anchor_(exchange_time(make_date(2020, 1, 1), 0, 0)) {}

TradingClock::Day TradingClock::compute(Date d) {
  Day day;
  day.date = d;
  day.trading = calendar_.is_trading_day(d);
  const Timestamp midnight = exchange_time(d, 0, 0);
  day.base = calendar_.trading_ms_between(anchor_, midnight);
  // Session boundaries come from the calendar itself, so this clock can never disagree with
  // trading_ms_between: the instant k ms of trading time before the end of the day.
  const Timestamp end = exchange_time(d, 23, 59, 59, 999);
  constexpr std::int64_t kDay = TradingCalendar::kTradingMsPerDay;
  constexpr std::int64_t kHalf = kDay / 2;
  if (day.trading) {
    day.open = calendar_.minus_trading_ms(end, kDay);
    day.morning_close = calendar_.minus_trading_ms(end, kHalf);
    day.afternoon_open = Timestamp{calendar_.minus_trading_ms(end, kHalf - 1).ms - 1};
    day.close = Timestamp{calendar_.minus_trading_ms(end, 1).ms + 1};
  } else {
    day.open = day.morning_close = day.afternoon_open = day.close = midnight;
  }
  // current_trading_day() moves to today when the opening auction starts (09:15).
  day.auction_open = exchange_time(d, 9, 15);
  day.before_auction = calendar_.previous_trading_day(d);
  return day;
}

const TradingClock::Day& TradingClock::day(Date d) {
  // One atomic load per lookup: cheap next to what a miss costs, and the only way to notice a
  // calendar reloaded on another thread.
  if (const void* now = calendar_.revision(); now != revision_) {
    cache_ = {};
    revision_ = now;
  }
  Day& slot = cache_[static_cast<std::size_t>(d.days) % cache_.size()];
  if (slot.date != d) slot = compute(d);
  return slot;
}

std::int64_t TradingClock::at(Timestamp t) {
  const Day& d = day(exchange_date(t));
  if (!d.trading || t <= d.open) return d.base;
  if (t <= d.morning_close) return d.base + (t.ms - d.open.ms);
  const std::int64_t morning = d.morning_close.ms - d.open.ms;
  if (t <= d.afternoon_open) return d.base + morning;
  if (t <= d.close) return d.base + morning + (t.ms - d.afternoon_open.ms);
  return d.base + morning + (d.close.ms - d.afternoon_open.ms);
}

Date TradingClock::trading_day(Timestamp t) {
  const Day& d = day(exchange_date(t));
  if (d.trading && t >= d.auction_open) return d.date;
  return d.before_auction;
}

Timestamp TradingClock::close_of(Date trading_day) { return day(trading_day).close; }

}  // namespace lodestone::rules
