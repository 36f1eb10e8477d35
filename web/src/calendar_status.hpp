#pragma once
// The calendar's reach in the snapshot the page loads at start (its banner says when fewer than
// kCalendarWarnDays remain): ,"calendar":{"last_known_day":…,"days_known":…,"warn":…}
#include <string>

#include "lodestone/core/time.hpp"

namespace lodestone::web {

void append_calendar_status(std::string& out, Timestamp now);

}  // namespace lodestone::web
