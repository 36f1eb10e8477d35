#pragma once
// Replays recorded events through the same Engine the daemon runs, as fast as it can, and
// reports every notification and per-rule counts. `lodestone backtest --tape FILE --rules FILE`
// reads the tape with the feeds' canonical parser and hands the events here.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/rules/rule_set.hpp"

namespace lodestone::rules {

struct BacktestOptions {
  // Where time stops at the end. Default: the later of the last event and the close of its
  // trading day, plus the allowed lateness, so the day's price alerts resolve at the close.
  std::optional<Timestamp> until;
  std::vector<Silence> silences;  // active during the replay (invalid ones are left out)
  // Called with the number of events replayed so far, every `progress_every` events (and at
  // the end): what a progress line counts. Never called when empty.
  std::function<void(std::size_t done)> progress;
  std::size_t progress_every = 4096;
};

struct BacktestResult {
  std::vector<Alert> alerts;                     // every notification, in the order returned
  std::map<std::string, RuleCounters> per_rule;  // every rule of the set, fired or not
  EngineStats stats;
  std::size_t events = 0;
  std::optional<Timestamp> first_event;
  std::optional<Timestamp> last_event;
  Timestamp until;
};

// Events should be in time order (a tape is); quotes older than their symbol's previous
// quote are ignored, as the daemon would.
BacktestResult backtest(std::span<const Event> events, std::shared_ptr<const RuleSet> rules,
                        const InstrumentRegistry& registry, const TradingCalendar& calendar,
                        const BacktestOptions& options = {});

// {"events":N,"quotes":N,"headlines":N,"from":..,"until":..,"alerts":[canonical alerts],
//  "rules":[{"rule":"x","fired":N,"notified":N,...}]}
std::string to_json(const BacktestResult& result);
// A table for the terminal: one line per rule, then the totals.
std::string format_summary(const BacktestResult& result);

}  // namespace lodestone::rules
