#pragma once
// Alert identity. An alert is named by its fingerprint: rule + symbol + headline + occurrence
// (the event time at which its condition began), hashed with a fixed function. The same
// events therefore give the same fingerprints on every run, so a restart that re-evaluates
// a day's events reproduces the ids the store already has, and the store drops the repeats.
// Each notification about an alert has its own id, derived from the fingerprint:
//   <fp>:firing, <fp>:update-<n>, <fp>:repeat-<n>, <fp>:resolved
#include <cstdint>
#include <string>
#include <string_view>

#include "lodestone/core/events.hpp"

namespace lodestone::rules {

// 16 lowercase hex digits. Empty parts are allowed (a headline-only alert has no symbol).
std::string alert_fingerprint(std::string_view rule, std::string_view symbol, std::string_view headline_key,
                              std::int64_t occurrence_ms);

// A headline's identity across updates: its source and the source's id.
std::string headline_key(const Headline& headline);

enum class NotificationKind : std::uint8_t { Firing, Update, Repeat, Resolved };
std::string notification_id(std::string_view fingerprint, NotificationKind kind, int sequence = 0);

}  // namespace lodestone::rules
