#pragma once
// The daemon's trading calendar: the configured file (`calendar:`) installed as
// TradingCalendar::shanghai() at start and on SIGHUP, where a file with errors keeps the running
// calendar (logged and counted, like the rules); and what the daemon says about how far the
// calendar reaches (the log once a day, /metrics, /readyz, the page).
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone::app {

class CalendarService {
 public:
  // "" = the calendar built into the binary, never reloaded.
  explicit CalendarService(std::string path) : path_(std::move(path)) {}

  // Reads the file and installs it; the error is file:line:column: what is wrong.
  Status load();
  // Reads the file without installing it (check-config).
  [[nodiscard]] Status check() const;
  // As load(); a failure is counted and the running calendar stays.
  Status reload();
  [[nodiscard]] std::uint64_t reload_errors() const { return reload_errors_.load(); }
  // Where the closures come from, for messages.
  [[nodiscard]] std::string source() const;

 private:
  std::string path_;
  std::atomic<std::uint64_t> reload_errors_{0};
};

// How far the calendar reaches from `now`.
struct CalendarHorizon {
  Date today;
  std::optional<Date> last_known;
  std::int64_t days_known = 0;  // from today to last_known: 0 on it, negative past it
  bool warn = false;            // fewer than kCalendarWarnDays left
};
CalendarHorizon calendar_horizon(const TradingCalendar& calendar, Timestamp now);
// One sentence for the log and /readyz when the horizon warns, else "". `source` names the file.
std::string calendar_warning(const CalendarHorizon& horizon, const std::string& source);

// Says the warning at start and then at most once per exchange day, as the daemon's clock
// (never the wall clock directly) turns the date.
class CalendarWatch {
 public:
  std::optional<std::string> check(const TradingCalendar& calendar, Timestamp now, const std::string& source);

 private:
  std::optional<Date> said_on_;
};

}  // namespace lodestone::app
