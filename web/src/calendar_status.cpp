#include "calendar_status.hpp"

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::web {

void append_calendar_status(std::string& out, Timestamp now) {
  const auto& calendar = TradingCalendar::shanghai();
  const auto last = calendar.last_known_day();
  const std::int64_t days = calendar.days_known_from(exchange_date(now));
  out += R"(,"calendar":{"last_known_day":)";
  if (last) {
    append_json_string(out, format_date(*last));
  } else {
    out += "null";
  }
  out += R"(,"days_known":)" + std::to_string(days) + R"(,"warn":)" + (days < kCalendarWarnDays ? "true" : "false");
  // The page's "mute until the close / until tomorrow's open" needs the next sessions, holidays
  // included: today when it trades, then the trading days after it.
  out += R"(,"trading_days":[)";
  Date day = exchange_date(now);
  if (!calendar.is_trading_day(day)) day = calendar.next_trading_day(day);
  for (int i = 0; i < kTradingDaysShown; ++i) {
    if (i) out.push_back(',');
    append_json_string(out, format_date(day));
    day = calendar.next_trading_day(day);
  }
  out += "]}";
}

}  // namespace lodestone::web
