#include "lodestone/rules/alert_identity.hpp"

#include <cstdio>

#include "hash.hpp"

namespace lodestone::rules {

std::string alert_fingerprint(std::string_view rule, std::string_view symbol, std::string_view headline_key,
                              std::int64_t occurrence_ms) {
  Fnv64 h;
  h.field(rule);
  h.field(symbol);
  h.field(headline_key);
  h.field(std::to_string(occurrence_ms));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h.value()));
  return buf;
}

std::string headline_key(const Headline& headline) {
  if (!headline.id.empty()) return headline.source + "/" + headline.id;
  // Sources without ids: the title at its time is the identity.
  Fnv64 h;
  h.field(headline.title);
  h.field(std::to_string(headline.ts.ms));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h.value()));
  return headline.source + "/#" + buf;
}

std::string notification_id(std::string_view fingerprint, NotificationKind kind, int sequence) {
  std::string id(fingerprint);
  switch (kind) {
    case NotificationKind::Firing:
      return id + ":firing";
    case NotificationKind::Update:
      return id + ":update-" + std::to_string(sequence);
    case NotificationKind::Repeat:
      return id + ":repeat-" + std::to_string(sequence);
    case NotificationKind::Resolved:
      return id + ":resolved";
  }
  return id;
}

}  // namespace lodestone::rules
