#include "lodestone/cli/backtest_report.hpp"

#include <map>
#include <vector>

#include "lodestone/cli/text_width.hpp"
#include "lodestone/core/price.hpp"

namespace lodestone::cli {
namespace {

bool listed(const Alert& a) { return a.state == AlertState::Firing; }

std::string explained_text(const Alert& a) {
  if (!a.explained) return "-";
  return *a.explained ? "yes" : "no";
}

std::string symbol_text(const Alert& a, const InstrumentRegistry& registry) {
  if (!a.symbol) return "-";
  std::string s = a.symbol->str();
  if (const Instrument* i = registry.find(*a.symbol); i && !i->name.empty()) s += " " + i->name;
  return s;
}

// Messages are one line in the table, whatever a template or a headline put in them.
std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

}  // namespace

std::string format_alert_time(Timestamp ts) {
  const std::string iso = format_timestamp(ts);  // 2026-02-09T10:10:00.000+08:00, exchange time
  return iso.substr(5, 5) + " " + iso.substr(11, 8);
}

std::string format_move(const Alert& a) {
  if (!a.move) return "-";
  std::string pct = format_centipct(a.move->change_centipct);
  if (a.move->change_centipct > 0) pct.insert(0, "+");
  return pct + "% " + a.move->window;
}

std::string format_alert_table(std::span<const Alert> alerts, const InstrumentRegistry& registry) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& a : alerts) {
    if (!listed(a)) continue;
    rows.push_back({format_alert_time(a.ts), std::string(to_string(a.severity)), a.rule, symbol_text(a, registry),
                    format_move(a), explained_text(a), one_line(a.message)});
  }
  if (rows.empty()) return "no alerts\n";
  return format_table({"time", "severity", "rule", "symbol", "move", "explained", "message"}, rows, "lllllll");
}

std::string format_rule_summary(const rules::BacktestResult& r) {
  struct Seen {
    std::uint64_t listed = 0, explained = 0, unexplained = 0;
  };
  std::map<std::string, Seen> seen;
  for (const auto& a : r.alerts) {
    if (!listed(a)) continue;
    Seen& s = seen[a.rule];
    ++s.listed;
    if (a.explained) ++(*a.explained ? s.explained : s.unexplained);
  }
  std::vector<std::vector<std::string>> rows;
  auto n = [](std::uint64_t v) { return std::to_string(v); };
  for (const auto& [name, c] : r.per_rule) {
    const Seen s = seen.contains(name) ? seen.at(name) : Seen{};
    rows.push_back({name, n(s.listed), n(s.explained), n(s.unexplained), n(c.fired), n(c.updated), n(c.resolved),
                    n(c.silenced + c.inhibited + c.grouped), n(c.cooldown + c.frequency + c.session)});
  }
  return format_table({"rule", "alerts", "explained", "unexplained", "fired", "updated", "resolved", "held", "skipped"},
                      rows, "lrrrrrrrr");
}

std::string format_day_summary(std::span<const Alert> alerts) {
  struct Day {
    std::uint64_t listed = 0, critical = 0, warning = 0, info = 0, explained = 0, unexplained = 0;
  };
  std::map<Date, Day> days;
  for (const auto& a : alerts) {
    if (!listed(a)) continue;
    Day& d = days[exchange_date(a.ts)];
    ++d.listed;
    ++(a.severity == Severity::Critical ? d.critical : a.severity == Severity::Warning ? d.warning : d.info);
    if (a.explained) ++(*a.explained ? d.explained : d.unexplained);
  }
  std::vector<std::vector<std::string>> rows;
  rows.reserve(days.size());
  auto n = [](std::uint64_t v) { return std::to_string(v); };
  for (const auto& [date, d] : days)
    rows.push_back(
        {format_date(date), n(d.listed), n(d.critical), n(d.warning), n(d.info), n(d.explained), n(d.unexplained)});
  if (rows.empty()) return "";
  return format_table({"day", "alerts", "critical", "warning", "info", "explained", "unexplained"}, rows, "lrrrrrr");
}

std::string format_report(const rules::BacktestResult& r, const InstrumentRegistry& registry) {
  std::string out = format_alert_table(r.alerts, registry);
  out += "\n" + format_rule_summary(r);
  if (const std::string days = format_day_summary(r.alerts); !days.empty()) out += "\n" + days;
  std::size_t listed_count = 0;
  for (const auto& a : r.alerts) listed_count += listed(a) ? 1 : 0;
  out += "\n" + std::to_string(r.events) + " events (" + std::to_string(r.stats.quotes) + " quotes, " +
         std::to_string(r.stats.headlines) + " headlines)";
  if (r.first_event) out += " from " + format_alert_time(*r.first_event) + " to " + format_alert_time(r.until);
  out += ": " + std::to_string(listed_count) + " alerts, " + std::to_string(r.alerts.size() - listed_count) +
         " resolved\n";
  return out;
}

}  // namespace lodestone::cli
