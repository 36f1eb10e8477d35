// Which receivers an alert goes to, and in which group: Alertmanager's routing made flat (the
// routes are the root's children, tried in order). Pure: the same alert and config give the
// same hits on every daemon, so the outbox's entry ids agree.
#include "lodestone/notify/router.hpp"

#include <algorithm>
#include <set>

#include "lodestone/notify/notification.hpp"

namespace lodestone::notify {
namespace {

// A label value quoted as Alertmanager and Prometheus print it: "…" with \ " and newline escaped.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// Alertmanager's route key for a child of the root: {}/{m1,m2}, matchers sorted so that the key
// does not depend on the order they were written in.
std::string route_key(const RouteConfig& route) {
  std::vector<std::string> parts;
  parts.reserve(route.matchers.size());
  constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
  for (const auto& m : route.matchers) parts.push_back(m.label + kOps[static_cast<int>(m.op)] + quoted(m.value));
  std::sort(parts.begin(), parts.end());
  std::string out = "{}/{";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "," : "") + parts[i];
  return out + "}";
}

// Prometheus' LabelSet text: {a="1", b="2"}, names sorted (a std::map already is).
std::string label_set(const std::map<std::string, std::string>& labels) {
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ", ";
    first = false;
    out += name + "=" + quoted(value);
  }
  return out + "}";
}

}  // namespace

std::vector<RouteHit> Router::route(const Alert& alert) const {
  const auto labels = routing_labels(alert);
  const bool resolved = alert.state == AlertState::Resolved;
  std::vector<RouteHit> hits;
  std::set<std::string> reached;
  for (std::size_t index = 0; index < config_->routes.size(); ++index) {
    const RouteConfig& route = config_->routes[index];
    const bool matches = std::all_of(route.matchers.begin(), route.matchers.end(),
                                     [&](const rules::Matcher& m) { return m.matches(labels); });
    if (!matches) continue;
    std::map<std::string, std::string> group_labels;
    if (route.group_by.empty()) {
      group_labels["fingerprint"] = alert_key(alert);  // every alert its own group
    } else {
      // As Alertmanager: a group_by label the alert does not have is left out.
      for (const auto& name : route.group_by)
        if (const auto it = labels.find(name); it != labels.end()) group_labels[name] = it->second;
    }
    const std::string group_key = route_key(route) + ":" + label_set(group_labels);
    for (const auto& name : route.receivers) {
      if (!reached.insert(name).second) continue;  // an earlier route already sends it there
      const ReceiverConfig* receiver = config_->receiver(name);
      if (receiver == nullptr) continue;  // read_notify_config refuses such a route
      if (resolved && !receiver->send_resolved) continue;
      hits.push_back(RouteHit{index, name, group_key, group_labels});
    }
    if (!route.continue_matching) break;
  }
  return hits;
}

}  // namespace lodestone::notify
