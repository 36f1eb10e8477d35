#pragma once
// Alertmanager's webhook payload, version "4" (prometheus/alertmanager notify/webhook), as an
// existing Alertmanager receiver expects it: what the webhook stand-in checks a body against.
#include <optional>
#include <string>
#include <string_view>

namespace lodestone::testing {

// The first way `body` is not a version-4 Alertmanager webhook payload, or nullopt when it is:
// version "4"; status "firing"|"resolved" (firing when any alert fires); receiver; groupKey;
// truncatedAlerts >= 0; groupLabels, commonLabels, commonAnnotations as string maps;
// externalURL; a non-empty alerts[] whose every alert has status, labels with alertname,
// annotations, startsAt and endsAt (RFC 3339), generatorURL and a 16-hex-digit fingerprint.
// Other fields (Lodestone's own `lodestone`) are allowed, as Alertmanager's receivers ignore them.
std::optional<std::string> alertmanager_v4_problem(std::string_view body);

}  // namespace lodestone::testing
