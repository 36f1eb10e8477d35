#include "lodestone/auth/access_control.hpp"

namespace lodestone::auth {

std::string_view to_string(AuthFailure f) {
  switch (f) {
    case AuthFailure::missing:
      return "missing";
    case AuthFailure::invalid_token:
      return "invalid_token";
    case AuthFailure::invalid_ticket:
      return "invalid_ticket";
    case AuthFailure::token_in_url:
      return "token_in_url";
    case AuthFailure::throttled:
      return "throttled";
    case AuthFailure::kCount:
      break;
  }
  return "unknown";
}

AccessControl::AccessControl(const Clock& clock, std::string_view legacy_token, AccessOptions options)
    : clock_(clock),
      authenticator_(legacy_token),
      tickets_(clock, options.ticket_ttl, options.max_tickets),
      throttle_(clock, options.throttle) {}

}  // namespace lodestone::auth
