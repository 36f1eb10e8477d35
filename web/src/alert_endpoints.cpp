#include "alert_endpoints.hpp"

#include "lodestone/core/json_writer.hpp"
#include "lodestone/web/deliveries.hpp"
#include "lodestone/web/url.hpp"

namespace lodestone::web {

// NOLINTNEXTLINE(performance-unnecessary-value-param): by value, as the overrides keep them
void Api::deliveries(std::string alert_key, std::function<void(HttpAnswer)> reply) {
  (void)alert_key;
  reply(HttpAnswer{404, R"({"error":"notifications are not configured"})"});
}

std::string deliveries_json(std::string_view alert_key, const std::vector<std::string>& records) {
  std::string out = R"({"alert":)";
  append_json_string(out, alert_key);
  out += R"(,"deliveries":[)";
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (i) out.push_back(',');
    out += records[i];
  }
  out += "]}";
  return out;
}

std::string delivery_message(std::string_view alert_key, std::string_view record) {
  std::string out = R"({"type":"delivery","alert":)";
  append_json_string(out, alert_key);
  out += R"(,"record":)";
  out += record;
  out.push_back('}');
  return out;
}

std::optional<AlertPath> alert_path(std::string_view path) {
  constexpr std::string_view kPrefix = "/api/v1/alerts/";
  constexpr std::string_view kDeliveries = "/deliveries";
  if (!path.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = path.substr(kPrefix.size());
  AlertPath out;
  if (rest.ends_with(kDeliveries)) {
    out.deliveries = true;
    rest.remove_suffix(kDeliveries.size());
  }
  // One segment: "/ack" and anything deeper are not this endpoint's.
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  auto key = percent_decode(rest);
  if (!key || key->empty()) return std::nullopt;
  out.key = std::move(*key);
  return out;
}

HttpAnswer alert_answer(Api& api, std::string_view key) {
  std::string found(key);
  auto notifications = api.alert_notifications(found);
  // A notification id names its alert by its fingerprint up to the ':' ("<fp>:firing").
  if (notifications.empty()) {
    if (const auto colon = key.find(':'); colon != std::string_view::npos && colon > 0) {
      found = std::string(key.substr(0, colon));
      notifications = api.alert_notifications(found);
    }
  }
  if (notifications.empty()) {
    std::string body = R"({"error":)";
    append_json_string(body, "no alert " + std::string(key) + " is retained");
    body.push_back('}');
    return {404, std::move(body)};
  }
  std::string out = R"({"alert":)";
  append_json_string(out, found);
  out += R"(,"notifications":[)";
  for (std::size_t i = 0; i < notifications.size(); ++i) {
    if (i) out.push_back(',');
    out += *notifications[i].json;
  }
  out += "]}";
  return {200, std::move(out)};
}

}  // namespace lodestone::web
