#pragma once
// Which receivers an alert goes to, as Alertmanager's route tree does it but flat: the routes
// are tried in order, the first that matches takes the alert unless it says `continue: true`.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/receiver.hpp"
#include "lodestone/rules/silence.hpp"

namespace lodestone::notify {

// "22:00-08:00", exchange time (Asia/Shanghai); may wrap past midnight.
struct QuietHours {
  int start_minute = 0;  // minutes after 00:00
  int end_minute = 0;
  bool critical_passes = true;  // `quiet_critical: hold` makes critical wait too
};

struct RouteConfig {
  // All must match the alert's labels (`match: {k: v}` is Equal, `match_re: {k: re}` Regex;
  // a value starting with "!" negates). Empty: every alert.
  std::vector<rules::Matcher> matchers;
  std::vector<std::string> receivers;  // names from `receivers:`
  bool continue_matching = false;
  std::vector<std::string> group_by;  // label names; empty: every alert its own group
  std::chrono::milliseconds group_wait{0};
  // After a group was sent, what arrives in it (a new alert, an alert's update or resolution)
  // waits this long. Alertmanager's 5 min would hold a retraction or a resolution back for five
  // minutes of a trading session; 30 s still folds a flapping alert.
  std::chrono::milliseconds group_interval{30'000};
  std::chrono::milliseconds repeat_interval{4 * 3'600'000};
  std::optional<QuietHours> quiet_hours;
  std::optional<Mentions> mentions;  // overrides the receiver's
  int line = 0;                      // where the route starts in the config (diagnostics)
};

// The labels routes and silences match: the alert's own labels plus rule, severity, symbol,
// state and tags (comma-joined), so `match: {severity: critical}` works whatever the rule wrote.
std::map<std::string, std::string> routing_labels(const Alert& alert);

}  // namespace lodestone::notify
