#pragma once
// The calendar's reach in the snapshot the page loads at start (its banner says when fewer than
// kCalendarWarnDays remain), and the next kTradingDaysShown trading days from `now`'s exchange
// date (today first when it trades):
//   ,"calendar":{"last_known_day":…,"days_known":…,"warn":…,"trading_days":["2026-02-09",…]}
#include <string>

#include "lodestone/core/time.hpp"

namespace lodestone::web {

inline constexpr int kTradingDaysShown = 10;

void append_calendar_status(std::string& out, Timestamp now);

}  // namespace lodestone::web
