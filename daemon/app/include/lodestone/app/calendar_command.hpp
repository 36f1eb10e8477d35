#pragma once
// `lodestone calendar DATE… [--calendar FILE] [--json]`: for each date, trading or closed (and
// for which holiday), whether the calendar knows the date, and the day's sessions.
#include <iosfwd>
#include <string>
#include <vector>

#include "lodestone/core/clock.hpp"

namespace lodestone::app {

struct CalendarCommand {
  std::vector<std::string> dates;  // YYYY-MM-DD, YYYYMMDD or "today" (in exchange time, by `clock`)
  std::string calendar_file;       // "" = the calendar built into the binary
  bool json = false;               // one JSON object per line instead of one line for a person
};

// 0, or 2 with the reason on `err` (a bad date, a calendar file with errors); nothing is
// printed on `out` unless every date is good.
int run_calendar_command(const CalendarCommand& command, const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace lodestone::app
