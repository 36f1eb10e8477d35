#include "router.hpp"

#include <charconv>

#include "alert_endpoints.hpp"
#include "auth_endpoints.hpp"
#include "auth_gate.hpp"
#include "feed_endpoints.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/core/time.hpp"
#include "rules_endpoints.hpp"

namespace lodestone::web {
namespace {

std::uint64_t number_param(std::string_view target, std::string_view name, std::uint64_t fallback, std::uint64_t max) {
  auto v = query_param(target, name);
  if (!v) return fallback;
  std::uint64_t n = 0;
  const std::string& text = *v;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) return fallback;
  return std::min(n, max);
}

void allow_listed_origin(const Request& req, const ServerOptions& options, http::fields& f) {
  const auto origin = req[http::field::origin];
  if (origin.empty() || options.allowed_origins.empty()) return;
  for (const auto& o : options.allowed_origins) {
    if (o == origin) {
      f.set(http::field::access_control_allow_origin, origin);
      f.set(http::field::vary, "Origin");
      return;
    }
  }
}

std::string alerts_body(const AlertRange& range) {
  std::string out = R"({"alerts":[)";
  for (std::size_t i = 0; i < range.alerts.size(); ++i) {
    if (i) out.push_back(',');
    out += *range.alerts[i];
  }
  out += R"(],"last_seq":)" + std::to_string(range.last_seq) + R"(,"gap":)" + (range.gap ? "true" : "false") + "}";
  return out;
}

// An answer the daemon gives later: `ask(reply)` starts it. Only what the response needs is kept
// of the request: its version, keep-alive and Origin.
DeferredAnswer defer_answer(const Request& req, const ServerOptions& options,
                            std::function<void(std::function<void(HttpAnswer)>)> ask) {
  auto head = std::make_shared<Request>();
  head->version(req.version());
  head->keep_alive(req.keep_alive());
  if (const auto origin = req[http::field::origin]; !origin.empty()) head->set(http::field::origin, origin);
  return DeferredAnswer{std::move(ask), [head, &options](HttpAnswer a) -> http::message_generator {
                          auto res = make_response(*head, static_cast<http::status>(a.status), std::move(a.body),
                                                   a.content_type);
                          allow_listed_origin(*head, options, res);
                          return res;
                        }};
}

}  // namespace

Routed route(Request&& req, RouterContext& ctx) {
  const auto& options = ctx.options;
  const std::string target(req.target());
  const std::string_view path = path_of(target);
  const bool is_read = req.method() == http::verb::get || req.method() == http::verb::head;

  // Probes answer whatever the Host: load balancers and systemd ask by address, and say nothing.
  if (path == "/healthz") return make_response(req, http::status::ok, "ok\n", "text/plain; charset=utf-8");
  if (path == "/readyz") {
    // Draining: out of the balancer's rotation first, while the clients are still served.
    if (ctx.draining != nullptr && ctx.draining->load())
      return make_response(req, http::status::service_unavailable, R"({"status":"draining"})");
    std::string why;
    const bool ok = ctx.api.ready(why);
    std::string body = R"({"status":)";
    body += ok ? R"("ok")" : R"("degraded","reason":)";
    if (!ok) append_json_string(body, why);
    if (const std::string warning = ctx.api.readiness_warning(); !warning.empty()) {
      body += R"(,"warning":)";
      append_json_string(body, warning);
    }
    body.push_back('}');
    return make_response(req, ok ? http::status::ok : http::status::service_unavailable, std::move(body));
  }

  // DNS rebinding: a hostile name resolving to this address carries that name in Host.
  if (!host_allowed(req[http::field::host], options))
    return make_error_response(req, http::status::misdirected_request,
                               "this host name is not served here (http.allowed_hosts)");

  if (req.method() == http::verb::options) {
    const auto origin = req[http::field::origin];
    bool listed = false;
    for (const auto& o : options.allowed_origins) listed = listed || o == origin;
    if (!listed) return make_error_response(req, http::status::forbidden, "origin not allowed");
    auto res = make_response(req, http::status::no_content, "");
    allow_listed_origin(req, options, res);
    res.set(http::field::access_control_allow_methods, "GET, POST, DELETE");
    res.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
    res.set(http::field::access_control_max_age, "600");
    return res;
  }

  const bool api = path.starts_with("/api/") || path == "/metrics";
  if (!is_read && !api) return StaticFiles(std::filesystem::path()).serve(req);  // 405 with Allow

  // Who asks, and whether they may: every write is audited, refused ones included.
  const Endpoint endpoint = classify(req.method(), path);
  auto refuse = [&](const Caller* caller, const Refusal& r) -> http::message_generator {
    audit(ctx, caller, endpoint, static_cast<unsigned>(r.status), r.message);
    return refusal_response(req, r);
  };
  if (!is_read && !origin_allowed(req, options))
    return refuse(nullptr, {http::status::forbidden, "origin not allowed"});
  if (!is_read && !writes_configured(ctx))
    return refuse(nullptr, {http::status::forbidden, "writes are disabled: no API token or users are configured"});
  auto identified = identify(req, ctx, is_read);
  if (auto* r = std::get_if<Refusal>(&identified)) return refuse(nullptr, *r);
  const Caller caller = std::get<Caller>(std::move(identified));
  if (path == "/api/v1/whoami" && is_read && !caller.principal && options.token_for_read)
    return refuse(&caller, {http::status::unauthorized, "a valid bearer token is required"});
  if (auto r = authorize(caller, endpoint, ctx)) return refuse(&caller, *r);

  auto answer = [&](http::status status, std::string body,
                    std::string_view type = "application/json") -> http::message_generator {
    auto res = make_response(req, status, std::move(body), type);
    allow_listed_origin(req, options, res);
    return res;
  };
  // A write's answer, audited with what it did (or why it could not).
  auto written = [&](HttpAnswer a) -> http::message_generator {
    audit(ctx, &caller, endpoint, a.status, a.body);
    return answer(static_cast<http::status>(a.status), std::move(a.body), a.content_type);
  };

  // The page's own routes: a notification's link (notify.public_url + /alerts/KEY) opens the app.
  if (path.starts_with("/alerts/") && is_read) {
    if (!ctx.files.available()) return make_error_response(req, http::status::not_found, "no web root configured");
    return ctx.files.serve_page(req);
  }

  if (path == "/metrics" && is_read)
    return answer(http::status::ok, ctx.api.metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
  if (path == "/api/v1/whoami" && is_read) {
    auto a = whoami_answer(caller, ctx);
    return answer(static_cast<http::status>(a.status), std::move(a.body));
  }
  if (path == "/api/v1/ws-ticket" && req.method() == http::verb::post) return written(ticket_answer(caller, ctx));
  if (path == "/api/v1/users" && is_read) {
    auto a = users_answer(ctx);
    return answer(static_cast<http::status>(a.status), std::move(a.body));
  }
  if (path == "/api/v1/audit" && is_read) {
    auto* log = ctx.api.access_control() ? ctx.api.access_control()->audit_log() : nullptr;
    if (log == nullptr)
      return answer(http::status::not_found, R"({"error":"no audit log: configure users (or audit:) or Redis"})");
    return defer_answer(req, options, [log, limit = number_param(target, "limit", 100, 1000)](auto reply) {
      log->recent(limit, [reply = std::move(reply)](const Result<std::vector<auth::AuditEntry>>& entries) {
        reply(audit_answer(entries));
      });
    });
  }
  if (path == "/api/v1/snapshot" && is_read)
    return answer(http::status::ok, ctx.board.snapshot_json(options.clock.get().now()));
  if (path == "/api/v1/feeds" && is_read)
    return answer(http::status::ok, feeds_json(ctx.api.feeds(), options.clock.get().now()));
  if (path == "/api/v1/news" && is_read)
    return answer(http::status::ok, ctx.api.news_json(number_param(target, "limit", 100, 1000)));
  if (path == "/api/v1/alerts" && is_read) {
    auto range =
        ctx.api.alerts_after(number_param(target, "after", 0, UINT64_MAX), number_param(target, "limit", 200, 1000));
    return answer(http::status::ok, alerts_body(range));
  }
  if (path == "/api/v1/notify" && is_read) return answer(http::status::ok, ctx.api.notify_status());
  if (auto alert = alert_path(path); alert && is_read) {
    if (!alert->deliveries) {
      auto a = alert_answer(ctx.api, alert->key);
      return answer(static_cast<http::status>(a.status), std::move(a.body), a.content_type);
    }
    Api* owner = &ctx.api;
    return defer_answer(req, options, [owner, key = std::move(alert->key)](auto reply) mutable {
      owner->deliveries(std::move(key), std::move(reply));
    });
  }
  if (path == "/api/v1/ingest") {
    if (req.method() != http::verb::post)
      return make_error_response(req, http::status::method_not_allowed, "POST only");
    const auto report = ingest_ndjson(ctx.api, req.body());
    std::string body = ingest_json(report);
    return written({report.rejected && !report.accepted ? 400U : 200U, std::move(body)});
  }
  if (auto* rules = ctx.api.rules(); rules && api) {
    const Actor actor{caller.principal ? caller.principal->name : std::string(),
                      caller.may(auth::Permission::comment, options)};
    if (auto a = answer_rules_request(*rules, ctx.hub, req.method_string(), target, req.body(), &actor))
      return is_read ? answer(static_cast<http::status>(a->status), std::move(a->body), a->content_type)
                     : written(std::move(*a));
  }
  if (!is_read) return written({404, R"({"error":"not found"})"});
  if (api) return answer(http::status::not_found, R"({"error":"not found"})");
  if (!ctx.files.available()) return make_error_response(req, http::status::not_found, "no web root configured");
  return ctx.files.serve(req);
}

}  // namespace lodestone::web
