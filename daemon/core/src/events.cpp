#include "lodestone/core/events.hpp"

namespace lodestone {

std::string_view to_string(Severity s) {
  switch (s) {
    case Severity::Info:
      return "info";
    case Severity::Warning:
      return "warning";
    case Severity::Critical:
      return "critical";
  }
  return "?";
}

std::string_view to_string(AlertState s) { return s == AlertState::Firing ? "firing" : "resolved"; }

Result<Severity> parse_severity(std::string_view text) {
  for (Severity s : {Severity::Info, Severity::Warning, Severity::Critical})
    if (to_string(s) == text) return s;
  return make_error(ErrorCode::bad_field, "unknown severity '" + std::string(text) + "' (info, warning, critical)");
}

}  // namespace lodestone
