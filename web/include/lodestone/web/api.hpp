#pragma once
// What the web layer asks of the daemon. Implemented by the daemon's wiring; every method may
// be called from any I/O thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lodestone/bus/alert_store.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/web/rules_control.hpp"

namespace lodestone::auth {
class AccessControl;
}

namespace lodestone::web {

using bus::AlertRange;
using bus::StoredAlert;

struct HttpAnswer {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class Api {
 public:
  virtual ~Api() = default;
  // Every feed's state, for GET /api/v1/feeds.
  virtual std::vector<feeds::FeedStatus::View> feeds() = 0;
  virtual AlertRange alerts_after(std::uint64_t after_seq, std::size_t limit) = 0;
  // The highest alert seq the store has handed out (sent in hello, so a client can tell a
  // store that restarted its numbering).
  virtual std::uint64_t last_alert_seq() = 0;
  virtual std::string news_json(std::size_t limit) = 0;
  // One event posted to /api/v1/ingest (`bytes` long on the wire): handed to the bus, or refused
  // with the reason; counted under the ingest feed either way.
  virtual Status ingest(const feeds::CanonicalEvent& event, std::size_t bytes) = 0;
  // A line posted to /api/v1/ingest that is not a canonical event, counted by its code.
  virtual void ingest_unreadable(const Error& error) = 0;
  // "ok", or why the daemon is degraded (it still serves).
  virtual bool ready(std::string& why) = 0;
  // Something an operator must act on that does not make the daemon degraded ("" = nothing):
  // /readyz still answers 200, with it as "warning".
  virtual std::string readiness_warning() { return {}; }
  virtual std::string metrics_text() = 0;
  // The rule engine behind /api/v1/rules, /silences and the acknowledgements; nullptr when the
  // daemon runs without one (those paths answer 404).
  virtual RulesControl* rules() { return nullptr; }

  // Every retained notification of one alert (bus::alert_key: its fingerprint, else its id),
  // oldest first, for GET /api/v1/alerts/KEY: the store's find(). Empty (404) by default.
  virtual std::vector<StoredAlert> alert_notifications(std::string_view alert_key) {
    (void)alert_key;
    return {};
  }

  // GET /api/v1/alerts/KEY/deliveries. The delivery ledger may live in Redis, so the answer
  // comes later: call `reply` once, from any thread, with the whole answer, normally 200 and
  // deliveries_json() (lodestone/web/deliveries.hpp). The session answers 504 if it has not come
  // within ServerOptions::request_timeout_ms; a later or second call is ignored. `reply` holds
  // the connection: call or drop it before the server's io_context is destroyed. By default (no
  // notify: section) 404 "notifications are not configured".
  virtual void deliveries(std::string alert_key, std::function<void(HttpAnswer)> reply);

  // GET /api/v1/notify, the whole JSON body: {"enabled":true,"receivers":[{"name","kind",
  // "health","detail",…}],…} with every receiver's state (web/PROTOCOL.md); never a URL, token
  // or secret. By default (no notify: section) {"enabled":false,"receivers":[]}.
  virtual std::string notify_status() { return R"({"enabled":false,"receivers":[]})"; }

  // Who may do what (lodestone/auth/access_control.hpp): users and the legacy api_token, WebSocket
  // tickets, the failed-authentication throttle and the audit log, owned by the daemon and set up
  // before the server starts. nullptr (the default): the web layer knows only ServerOptions::api_token
  // (an admin named "api_token"), issues no tickets, throttles and audits nothing.
  virtual auth::AccessControl* access_control() { return nullptr; }
};

}  // namespace lodestone::web
