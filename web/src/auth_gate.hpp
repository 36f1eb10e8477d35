#pragma once
// Who is asking and whether they may: every request's credentials checked (the Authorization
// bearer token; `?token=` for reads only while no users file is configured; `?ticket=` on the
// WebSocket upgrade), the endpoint's permission looked up, and every write audited, refused ones
// included. The decisions are auth's (roles, tokens, tickets, the throttle); the HTTP is here.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lodestone/auth/access_control.hpp"
#include "router.hpp"

namespace lodestone::web {

// A request's identified caller.
struct Caller {
  std::optional<auth::Principal> principal;  // nullopt: anonymous
  // Anonymous callers may read while reads are open (token_for_read: false), nothing else.
  [[nodiscard]] bool may(auth::Permission p, const ServerOptions& options) const;
  [[nodiscard]] std::vector<auth::Permission> permissions(const ServerOptions& options) const;
};

// Why a request is refused before it is answered: 401, 403, 421 or 429 (with the wait).
struct Refusal {
  http::status status = http::status::unauthorized;
  std::string message;
  std::chrono::milliseconds retry_after{0};
};

// What an endpoint needs of its caller.
struct Endpoint {
  std::optional<auth::Permission> needs;  // nullopt: anyone (the whoami answer)
  bool principal_only = false;            // an anonymous caller is refused even when reads are open
  std::string action;                     // non-empty: a write, audited
  std::string target;                     // what it acts on (alert id, silence id)
  bool audit_success = true;              // false: only its refusals are audited (ingest, tickets)
};
Endpoint classify(http::verb method, std::string_view path);

// The caller, or why their credentials do not pass. `read`: the request only reads (GET, HEAD),
// so `?token=` counts while no users file is configured. Failures are counted and throttled.
std::variant<Caller, Refusal> identify(const Request& req, RouterContext& ctx, bool read);
// The caller's refusal when the endpoint is not theirs: 401 without credentials, 403 for a role.
std::optional<Refusal> authorize(const Caller& caller, const Endpoint& endpoint, RouterContext& ctx);
// Writes are possible at all: some token (a user's or the legacy api_token) can authenticate.
bool writes_configured(RouterContext& ctx);

// One audit entry for `endpoint` answered with `status` (a 429 is counted, not audited: a flood
// would push the real entries out). Nothing when the endpoint is not a write or no log is set.
void audit(RouterContext& ctx, const Caller* caller, const Endpoint& endpoint, unsigned status,
           std::string_view detail);

http::response<http::string_body> refusal_response(const Request& req, const Refusal& refusal);

// The WebSocket upgrade's check (HttpSession::upgrade): Host, Origin and the caller, who may
// present a ticket. `hello` is what the hello message says of them: ,"user":…,"role":….
struct UpgradeCheck {
  std::optional<Refusal> refusal;
  std::string hello;
};
UpgradeCheck check_upgrade(const Request& req, RouterContext& ctx);

}  // namespace lodestone::web
