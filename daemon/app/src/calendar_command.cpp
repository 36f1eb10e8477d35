#include "lodestone/app/calendar_command.hpp"

#include <cstdio>
#include <memory>
#include <ostream>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/json_writer.hpp"

namespace lodestone::app {
namespace {

constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::string hhmm(std::int64_t ms) {
  const auto minutes = ms / kMsPerMinute;
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60), static_cast<int>(minutes % 60));
  return buf;
}

std::string session_json(const Session& s) {
  std::string out = R"({"name":")" + std::string(to_string(s.phase)) + R"(","start":")" + hhmm(s.start_ms) +
                    R"(","end":")" + hhmm(s.end_ms) + '"';
  if (s.cancellable) out += R"(,"cancellable":true)";
  if (s.star_chinext_only) out += R"(,"boards":["star","chinext"])";
  return out + "}";
}

std::string session_text(const Session& s) {
  std::string out = hhmm(s.start_ms) + "-" + hhmm(s.end_ms) + " ";
  switch (s.phase) {
    case SessionPhase::OpeningCall:
      return out + "opening call (cancellable)";
    case SessionPhase::OpeningAuction:
      return out + "opening call (no cancels)";
    case SessionPhase::ClosingAuction:
      return out + "closing auction";
    case SessionPhase::AfterHours:
      return out + "after-hours (STAR, ChiNext)";
    default:
      return out + "continuous";
  }
}

std::string json_line(const TradingCalendar& cal, Date d) {
  const bool trading = cal.is_trading_day(d);
  std::string out = R"({"date":")" + format_date(d) + R"(","trading":)" + (trading ? "true" : "false") +
                    R"(,"known":)" + (cal.known(d) ? "true" : "false") + R"(,"closed_for":)";
  if (const auto why = cal.closed_for(d)) {
    append_json_string(out, *why);
  } else {
    out += "null";
  }
  out += R"(,"sessions":[)";
  if (trading) {
    bool first = true;
    for (const auto& s : TradingCalendar::sessions()) {
      if (!first) out += ',';
      first = false;
      out += session_json(s);
    }
  }
  return out + "]}";
}

std::string text_line(const TradingCalendar& cal, Date d) {
  std::string out = format_date(d) + " " + kWeekdays[weekday(d)] + "  ";
  if (const auto why = cal.closed_for(d)) {
    out += "closed (" + std::string(*why) + ")";
  } else {
    out += "trading:";
    bool first = true;
    for (const auto& s : TradingCalendar::sessions()) {
      out += (first ? " " : ", ") + session_text(s);
      first = false;
    }
  }
  if (!cal.known(d)) {
    const auto last = cal.last_known_day();
    out += "  [unknown: the calendar ends " + (last ? format_date(*last) : std::string("nowhere")) +
           ", weekdays after it are taken as trading days]";
  }
  return out;
}

}  // namespace

int run_calendar_command(const CalendarCommand& command, const Clock& clock, std::ostream& out, std::ostream& err) {
  std::unique_ptr<TradingCalendar> own;
  if (!command.calendar_file.empty()) {
    auto table = load_closure_table(command.calendar_file);
    if (!table) {
      err << table.error().message << "\n";
      return 2;
    }
    own = std::make_unique<TradingCalendar>(std::move(*table));
  }
  const TradingCalendar& cal = own ? *own : TradingCalendar::shanghai();
  if (command.dates.empty()) {
    err << "calendar: name at least one date (YYYY-MM-DD or today)\n";
    return 2;
  }
  std::vector<Date> dates;
  for (const auto& text : command.dates) {
    if (text == "today") {
      dates.push_back(exchange_date(clock.now()));
      continue;
    }
    auto d = parse_date(text);
    if (!d) {
      err << "calendar: '" << text << "' is not a date: expected YYYY-MM-DD, YYYYMMDD or today\n";
      return 2;
    }
    dates.push_back(*d);
  }
  for (Date d : dates) out << (command.json ? json_line(cal, d) : text_line(cal, d)) << "\n";
  return 0;
}

}  // namespace lodestone::app
