#pragma once
// What `lodestone backtest` prints for a trader: the alerts as a table (time in exchange time,
// severity, rule, symbol and name, move, explained or not, message), then a summary per rule
// and per trading day. Moves are printed from their hundredths of a percent, never through
// floating point.
#include <span>
#include <string>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/rules/backtest.hpp"

namespace lodestone::cli {

// One row per firing notification (the first, explanation updates, repeats), in order;
// resolutions are counted in the summaries, not listed.
std::string format_alert_table(std::span<const Alert> alerts, const InstrumentRegistry& registry);
// rule, alerts listed, of them explained / unexplained, and the engine's counters.
std::string format_rule_summary(const rules::BacktestResult& result);
// One line per exchange date that has alerts: alerts, by severity, explained / unexplained.
std::string format_day_summary(std::span<const Alert> alerts);
// The table, the two summaries and a totals line, separated by blank lines.
std::string format_report(const rules::BacktestResult& result, const InstrumentRegistry& registry);

// "+2.20% 15m", "-4.45% prev_close", "-" without a move.
std::string format_move(const Alert& alert);
// "02-09 10:10:00", exchange time.
std::string format_alert_time(Timestamp ts);

}  // namespace lodestone::cli
