// Quiet hours are wall-clock minutes in exchange time (Asia/Shanghai, UTC+8 with no daylight
// saving), so the window is the same instants every day and a fixed offset is exact.
#include "lodestone/notify/dispatcher.hpp"

namespace lodestone::notify {

bool in_quiet_hours(const QuietHours& quiet, Timestamp t) {
  const std::int64_t start = quiet.start_minute * kMsPerMinute;
  const std::int64_t end = quiet.end_minute * kMsPerMinute;
  const std::int64_t at = exchange_ms_of_day(t);
  if (start < end) return at >= start && at < end;
  if (start > end) return at >= start || at < end;  // wraps past midnight
  return false;
}

Timestamp quiet_hours_end(const QuietHours& quiet, Timestamp t) {
  if (!in_quiet_hours(quiet, t)) return t;
  const std::int64_t end = quiet.end_minute * kMsPerMinute;
  const std::int64_t at = exchange_ms_of_day(t);
  const std::int64_t midnight = t.ms - at;
  // Inside the window: the end is today's unless we are past it (the evening half of a wrap).
  return Timestamp{at < end ? midnight + end : midnight + kMsPerDay + end};
}

}  // namespace lodestone::notify
