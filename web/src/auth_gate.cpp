#include "auth_gate.hpp"

#include "lodestone/core/json_writer.hpp"

namespace lodestone::web {
namespace {

using auth::AuthFailure;
using auth::Permission;

auth::AccessControl* access_of(RouterContext& ctx) { return ctx.api.access_control(); }

void count(RouterContext& ctx, AuthFailure why) {
  if (auto* access = access_of(ctx)) access->count(why);
}

// A presented secret (a bearer token), checked once the address is not throttled.
std::variant<Caller, Refusal> check_token(std::string_view token, RouterContext& ctx) {
  auto* access = access_of(ctx);
  if (access == nullptr) {
    // A web layer without the daemon's access control (tests of other endpoints): the one token.
    if (token_matches(token, ctx.options.api_token))
      return Caller{auth::Principal{std::string(auth::kLegacyTokenUser), auth::Role::admin}};
    return Refusal{http::status::unauthorized, "the bearer token is not valid"};
  }
  if (const auto wait = access->throttle().retry_after(ctx.client_address); wait.count() > 0) {
    access->count(AuthFailure::throttled);
    return Refusal{http::status::too_many_requests,
                   "too many failed authentications from this address: retry after the time in Retry-After", wait};
  }
  auto principal = access->authenticator().authenticate(token);
  if (!principal) {
    access->throttle().failed(ctx.client_address);
    access->count(AuthFailure::invalid_token);
    return Refusal{http::status::unauthorized, "the bearer token is not valid"};
  }
  return Caller{std::move(principal)};
}

}  // namespace

bool Caller::may(Permission p, const ServerOptions& options) const {
  if (principal) return auth::allows(principal->role, p);
  return p == Permission::read && !options.token_for_read;
}

std::vector<Permission> Caller::permissions(const ServerOptions& options) const {
  if (principal) return auth::permissions_of(principal->role);
  if (options.token_for_read) return {};
  return {Permission::read};
}

Endpoint classify(http::verb method, std::string_view path) {
  Endpoint e;
  if (method == http::verb::get || method == http::verb::head) {
    e.needs = Permission::read;
    if (path == "/api/v1/audit") e.needs = Permission::read_audit;
    if (path == "/api/v1/users") e.needs = Permission::manage_users;
    if (path == "/api/v1/whoami") e.needs.reset();
    return e;
  }
  // Any other method is a write: audited, and never anonymous.
  e.principal_only = true;
  e.needs = Permission::read;
  e.action = "request";
  e.target = std::string(path.substr(0, 200));
  constexpr std::string_view kAlerts = "/api/v1/alerts/";
  constexpr std::string_view kSilence = "/api/v1/silences/";
  if (method == http::verb::post && path == "/api/v1/ingest") {
    e = {Permission::ingest, true, "ingest", "", false};
  } else if (method == http::verb::post && path == "/api/v1/ws-ticket") {
    e = {Permission::read, true, "ws_ticket", "", false};
  } else if (method == http::verb::post && path == "/api/v1/rules/reload") {
    e = {Permission::reload_rules, true, "reload_rules", "", true};
  } else if (method == http::verb::post && path == "/api/v1/silences") {
    e = {Permission::silence, true, "silence", "", true};
  } else if (method == http::verb::delete_ && path.starts_with(kSilence)) {
    e = {Permission::silence, true, "expire_silence", std::string(path.substr(kSilence.size())), true};
  } else if (method == http::verb::post && path.starts_with(kAlerts) && path.ends_with("/ack") &&
             path.size() > kAlerts.size() + 4) {
    auto id = percent_decode(path.substr(kAlerts.size(), path.size() - kAlerts.size() - 4));
    e = {Permission::acknowledge, true, "acknowledge", id ? *id : std::string(), true};
  }
  return e;
}

std::variant<Caller, Refusal> identify(const Request& req, RouterContext& ctx, bool read) {
  auto* access = access_of(ctx);
  const bool users = access != nullptr && access->authenticator().users_configured();
  if (auto token = header_token(req); token && !token->empty()) return check_token(*token, ctx);
  if (auto token = query_param(req.target(), "token"); token && !token->empty()) {
    // A token in a URL ends up in proxies' logs and browser histories: once users exist, never.
    if (users) {
      count(ctx, AuthFailure::token_in_url);
      return Refusal{http::status::unauthorized,
                     "a token in a URL is refused: send Authorization: Bearer TOKEN, or open the WebSocket with a "
                     "ticket from POST /api/v1/ws-ticket"};
    }
    if (read) return check_token(*token, ctx);
  }
  return Caller{};
}

std::optional<Refusal> authorize(const Caller& caller, const Endpoint& endpoint, RouterContext& ctx) {
  if (!endpoint.needs) return std::nullopt;
  if (!caller.principal && (endpoint.principal_only || !caller.may(*endpoint.needs, ctx.options))) {
    count(ctx, AuthFailure::missing);
    return Refusal{http::status::unauthorized, "a valid bearer token is required"};
  }
  if (caller.may(*endpoint.needs, ctx.options)) return std::nullopt;
  return Refusal{http::status::forbidden, "role '" + std::string(auth::to_string(caller.principal->role)) +
                                              "' may not " + std::string(auth::to_string(*endpoint.needs))};
}

bool writes_configured(RouterContext& ctx) {
  if (auto* access = access_of(ctx)) return access->authenticator().any_credential();
  return !ctx.options.api_token.empty();
}

void audit(RouterContext& ctx, const Caller* caller, const Endpoint& endpoint, unsigned status,
           std::string_view detail) {
  auto* access = access_of(ctx);
  if (access == nullptr || access->audit_log() == nullptr || endpoint.action.empty() || status == 429) return;
  const auto result = auth::audit_result_of(status);
  if (result == auth::AuditResult::ok && !endpoint.audit_success) return;
  auth::AuditEntry e;
  e.at = access->clock().now();
  if (caller && caller->principal) {
    e.user = caller->principal->name;
    e.role = std::string(auth::to_string(caller->principal->role));
  }
  e.action = endpoint.action;
  e.target = endpoint.target;
  e.address = ctx.client_address;
  e.result = result;
  e.status = status;
  e.detail = std::string(detail);
  access->audit_log()->append(e);
}

http::response<http::string_body> refusal_response(const Request& req, const Refusal& refusal) {
  auto res = make_error_response(req, refusal.status, refusal.message);
  if (refusal.status == http::status::unauthorized) res.set(http::field::www_authenticate, "Bearer");
  if (refusal.retry_after.count() > 0)
    res.set(http::field::retry_after, std::to_string((refusal.retry_after.count() + 999) / 1000));
  return res;
}

UpgradeCheck check_upgrade(const Request& req, RouterContext& ctx) {
  UpgradeCheck out;
  if (!host_allowed(req[http::field::host], ctx.options)) {
    out.refusal = Refusal{http::status::misdirected_request, "this host name is not served here (http.allowed_hosts)"};
    return out;
  }
  if (!origin_allowed(req, ctx.options)) {
    out.refusal = Refusal{http::status::forbidden, "origin not allowed"};
    return out;
  }
  std::variant<Caller, Refusal> who = Caller{};
  if (auto ticket = query_param(req.target(), "ticket"); ticket && !ticket->empty()) {
    auto* access = access_of(ctx);
    if (access == nullptr) {
      who = Refusal{http::status::unauthorized, "the ticket is not valid"};
    } else if (const auto wait = access->throttle().retry_after(ctx.client_address); wait.count() > 0) {
      access->count(AuthFailure::throttled);
      who = Refusal{http::status::too_many_requests, "too many failed authentications from this address", wait};
    } else if (auto holder = access->tickets().redeem(*ticket)) {
      who = Caller{std::move(holder)};
    } else {
      access->throttle().failed(ctx.client_address);
      access->count(AuthFailure::invalid_ticket);
      who = Refusal{http::status::unauthorized, "the ticket is not valid: unknown, already used or expired"};
    }
  } else {
    who = identify(req, ctx, /*read=*/true);
  }
  if (auto* refusal = std::get_if<Refusal>(&who)) {
    out.refusal = std::move(*refusal);
    return out;
  }
  const auto& caller = std::get<Caller>(who);
  Endpoint upgrade;
  upgrade.needs = Permission::read;
  if (auto refusal = authorize(caller, upgrade, ctx)) {
    out.refusal = std::move(refusal);
    return out;
  }
  out.hello = R"(,"user":)";
  if (caller.principal) {
    append_json_string(out.hello, caller.principal->name);
    out.hello += R"(,"role":")" + std::string(auth::to_string(caller.principal->role)) + "\"";
  } else {
    out.hello += R"(null,"role":"viewer")";
  }
  return out;
}

}  // namespace lodestone::web
