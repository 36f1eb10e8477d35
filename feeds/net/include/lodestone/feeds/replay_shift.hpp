#pragma once
// Where the next pass of a looping tape goes: forward by whole weeks (weekdays and sessions stay
// where they were), past the previous pass, and only onto a run of days on which every trading
// day of the tape is a trading day again. Whole weeks alone would land on holidays (02-09 shifted
// 8 weeks is 04-06, 清明节), where a day of quotes passes in a burst with the price rules silent.
#include <vector>

#include "lodestone/core/calendar.hpp"

namespace lodestone::feeds {

// `tape_days`: the exchange dates the tape has events on, ascending and distinct (pass 0).
// `previous_weeks`: the shift of the previous pass (0 for the tape itself). Returns the shift of
// the next pass, in weeks; when no run within ten years fits, the smallest shift past the
// previous pass.
int next_pass_weeks(const std::vector<Date>& tape_days, int previous_weeks, const TradingCalendar& calendar);

}  // namespace lodestone::feeds
