#include "lodestone/app/calendar_service.hpp"

#include <spdlog/spdlog.h>

namespace lodestone::app {

Status CalendarService::load() {
  if (path_.empty()) return {};
  auto table = load_closure_table(path_);
  if (!table) return table.error();
  const auto last = table->last_known_day();
  const auto years = table->years().size();
  TradingCalendar::install(std::move(*table));
  spdlog::info("calendar: {} year{} of closures from {}, known until {}", years, years == 1 ? "" : "s", path_,
               last ? format_date(*last) : std::string("never"));
  return {};
}

Status CalendarService::check() const {
  if (path_.empty()) return {};
  auto table = load_closure_table(path_);
  if (!table) return table.error();
  return {};
}

Status CalendarService::reload() {
  auto st = load();
  if (!st) ++reload_errors_;
  return st;
}

std::string CalendarService::source() const { return path_.empty() ? "deploy/calendar.yaml (built in)" : path_; }

CalendarHorizon calendar_horizon(const TradingCalendar& calendar, Timestamp now) {
  CalendarHorizon h;
  h.today = exchange_date(now);
  h.last_known = calendar.last_known_day();
  h.days_known = calendar.days_known_from(h.today);
  h.warn = h.days_known < kCalendarWarnDays;
  return h;
}

std::string calendar_warning(const CalendarHorizon& h, const std::string& source) {
  if (!h.warn) return {};
  const std::string add = "add next year's closures to " + source +
                          " the day the exchanges publish them (README, \"Next year's closures\")";
  if (!h.last_known) return "calendar: no year is known, every weekday counts as a trading day; " + add;
  const std::string last = format_date(*h.last_known);
  if (h.days_known < 0)
    return "calendar: " + format_date(h.today) + " is past " + last +
           ", the last day the calendar knows: every weekday counts as a trading day, holidays included; " + add;
  return "calendar: the exchanges' closures are known until " + last + ", " + std::to_string(h.days_known) + " day" +
         (h.days_known == 1 ? "" : "s") + " from today; after that every weekday counts as a trading day; " + add;
}

std::optional<std::string> CalendarWatch::check(const TradingCalendar& calendar, Timestamp now,
                                                const std::string& source) {
  const auto h = calendar_horizon(calendar, now);
  if (said_on_ && *said_on_ == h.today) return std::nullopt;
  said_on_ = h.today;
  auto text = calendar_warning(h, source);
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace lodestone::app
