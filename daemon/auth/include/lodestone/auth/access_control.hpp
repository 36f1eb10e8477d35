#pragma once
// Everything the web layer asks when a request arrives, in one place the daemon owns: who holds
// a token (Authenticator, reloaded on SIGHUP), the WebSocket tickets, the failed-authentication
// throttle and its counts, and the audit log. Thread-safe; the daemon hands it to the web layer
// through web::Api::access_control().
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "lodestone/auth/audit.hpp"
#include "lodestone/auth/authenticator.hpp"
#include "lodestone/auth/failure_throttle.hpp"
#include "lodestone/auth/ticket_book.hpp"
#include "lodestone/core/clock.hpp"

namespace lodestone::auth {

// Why an authentication failed, for lodestone_auth_failures_total{reason}.
enum class AuthFailure : unsigned char {
  missing,         // no credentials where they are needed (401)
  invalid_token,   // a bearer token that matches no one (401)
  invalid_ticket,  // a WebSocket ticket unknown, used or expired (401)
  token_in_url,    // ?token= once a users file is configured (401)
  throttled,       // the address failed too often: 429 without checking
  kCount
};
std::string_view to_string(AuthFailure f);

struct AccessOptions {
  std::chrono::milliseconds ticket_ttl{30'000};
  std::size_t max_tickets = 10'000;
  ThrottleOptions throttle;
};

class AccessControl {
 public:
  // `legacy_token`: the configuration's api_token ("" = none). `clock` must outlive this.
  AccessControl(const Clock& clock, std::string_view legacy_token, AccessOptions options = {});

  Authenticator& authenticator() { return authenticator_; }
  TicketBook& tickets() { return tickets_; }
  FailureThrottle& throttle() { return throttle_; }
  [[nodiscard]] const Clock& clock() const { return clock_; }

  // Set once before serving; nullptr: writes are not audited (no users file, no audit path, no Redis).
  void set_audit_log(std::shared_ptr<AuditLog> log) { audit_ = std::move(log); }
  [[nodiscard]] AuditLog* audit_log() const { return audit_.get(); }

  void count(AuthFailure why) { failures_[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t failures(AuthFailure why) const {
    return failures_[static_cast<std::size_t>(why)].load(std::memory_order_relaxed);
  }

 private:
  const Clock& clock_;
  Authenticator authenticator_;
  TicketBook tickets_;
  FailureThrottle throttle_;
  std::shared_ptr<AuditLog> audit_;
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(AuthFailure::kCount)> failures_{};
};

}  // namespace lodestone::auth
