#include "alertmanager_body.hpp"

#include <simdjson.h>

#include "checks.hpp"

namespace lodestone::testing {

namespace {

using simdjson::dom::element;

std::optional<std::string_view> string_field(element object, const char* key) {
  std::string_view out;
  if (object[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

// An object whose every value is a string (labels, annotations).
std::optional<std::string> string_map_problem(element object, const std::string& where) {
  simdjson::dom::object map;
  if (object.get(map) != simdjson::SUCCESS) return where + " is not an object";
  for (auto field : map)
    if (!field.value.is_string()) return where + "." + std::string(field.key) + " is not a string";
  return std::nullopt;
}

std::optional<std::string> status_problem(element object, const std::string& where) {
  const auto status = string_field(object, "status");
  if (!status || (*status != "firing" && *status != "resolved")) return where + ".status is not firing|resolved";
  return std::nullopt;
}

std::optional<std::string> alert_problem(element alert, const std::string& where) {
  if (!alert.is_object()) return where + " is not an object";
  if (auto p = status_problem(alert, where)) return p;
  element labels;
  if (alert["labels"].get(labels) != simdjson::SUCCESS) return where + ".labels is missing";
  if (auto p = string_map_problem(labels, where + ".labels")) return p;
  const auto alertname = string_field(labels, "alertname");
  if (!alertname || alertname->empty()) return where + ".labels.alertname is missing";
  element annotations;
  if (alert["annotations"].get(annotations) != simdjson::SUCCESS) return where + ".annotations is missing";
  if (auto p = string_map_problem(annotations, where + ".annotations")) return p;
  for (const char* key : {"startsAt", "endsAt"}) {
    const auto t = string_field(alert, key);
    if (!t || !rfc3339(*t)) return where + "." + key + " is not an RFC 3339 time";
  }
  if (!string_field(alert, "generatorURL")) return where + ".generatorURL is missing";
  const auto fingerprint = string_field(alert, "fingerprint");
  if (!fingerprint || fingerprint->size() != 16 ||
      fingerprint->find_first_not_of("0123456789abcdef") != std::string_view::npos)
    return where + ".fingerprint is not 16 hex digits";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> alertmanager_v4_problem(std::string_view body) {
  simdjson::dom::parser parser;
  element root;
  if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return "body is not JSON (or not UTF-8)";
  if (!root.is_object()) return "body is not an object";
  if (string_field(root, "version") != "4") return "version is not \"4\"";
  if (auto p = status_problem(root, "body")) return p;
  const auto receiver = string_field(root, "receiver");
  if (!receiver || receiver->empty()) return "receiver is missing";
  if (!string_field(root, "groupKey")) return "groupKey is missing";
  if (!string_field(root, "externalURL")) return "externalURL is missing";
  std::int64_t truncated = -1;
  if (root["truncatedAlerts"].get(truncated) != simdjson::SUCCESS || truncated < 0)
    return "truncatedAlerts is not a count";
  for (const char* key : {"groupLabels", "commonLabels", "commonAnnotations"}) {
    element map;
    if (root[key].get(map) != simdjson::SUCCESS) return std::string(key) + " is missing";
    if (auto p = string_map_problem(map, key)) return p;
  }
  simdjson::dom::array alerts;
  if (root["alerts"].get(alerts) != simdjson::SUCCESS || alerts.size() == 0) return "alerts is not a non-empty array";
  bool any_firing = false;
  std::size_t i = 0;
  for (element alert : alerts) {
    if (auto p = alert_problem(alert, "alerts[" + std::to_string(i++) + "]")) return p;
    any_firing = any_firing || string_field(alert, "status") == "firing";
  }
  // Alertmanager: the group is firing when any of its alerts fires.
  if (string_field(root, "status") != (any_firing ? "firing" : "resolved"))
    return "status disagrees with the alerts' statuses";
  return std::nullopt;
}

}  // namespace lodestone::testing
