#include "lodestone/feeds/replay_shift.hpp"

#include <algorithm>

namespace lodestone::feeds {

int next_pass_weeks(const std::vector<Date>& tape_days, int previous_weeks, const TradingCalendar& calendar) {
  if (tape_days.empty()) return previous_weeks + 1;
  // Clear the previous pass: its last day comes before this pass's first.
  const int step = (tape_days.back().days - tape_days.front().days) / 7 + 1;
  std::vector<Date> trading;
  std::copy_if(tape_days.begin(), tape_days.end(), std::back_inserter(trading),
               [&](Date d) { return calendar.is_trading_day(d); });
  constexpr int kSearchWeeks = 520;
  for (int weeks = previous_weeks + step; weeks < previous_weeks + step + kSearchWeeks; ++weeks) {
    const bool fits = std::all_of(trading.begin(), trading.end(),
                                  [&](Date d) { return calendar.is_trading_day(Date{d.days + 7 * weeks}); });
    if (fits) return weeks;
  }
  return previous_weeks + step;
}

}  // namespace lodestone::feeds
