#pragma once
// Routes in order, first match wins unless `continue: true`; a route without matchers takes
// every alert. Pure.
#include <map>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/notify_config.hpp"

namespace lodestone::notify {

struct RouteHit {
  std::size_t route = 0;  // index into NotifyConfig::routes
  std::string receiver;   // one hit per receiver of the route
  // `{}/{matchers}:{group labels}`, as Alertmanager's groupKey: `{}/{severity="critical"}:{rule="etf-move"}`,
  // matchers sorted, group labels sorted by name (`{a="1", b="2"}`). Like Alertmanager's, it does not
  // name the route: two routes with the same matchers give the same key, so a group is
  // (route, receiver, group_key).
  std::string group_key;
  // The alert's values of the route's group_by (a label it lacks is left out); without group_by
  // every alert is its own group: {fingerprint: alert_key(alert)}.
  std::map<std::string, std::string> group_labels;
};

class Router {
 public:
  explicit Router(const NotifyConfig& config) : config_(&config) {}
  // Every (route, receiver) the alert goes to, in route order then the route's receiver order; a
  // receiver reached by two routes gets it once (the first route's). Matching is on
  // routing_labels(alert). Resolved notifications skip receivers with send_resolved off; a name
  // that is not a receiver of the config is skipped (read_notify_config refuses it).
  [[nodiscard]] std::vector<RouteHit> route(const Alert& alert) const;

 private:
  const NotifyConfig* config_;
};

}  // namespace lodestone::notify
