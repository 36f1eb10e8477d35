#pragma once
// Routes in order, first match wins unless `continue: true`; a route without matchers takes
// every alert. Pure.
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/notify/notify_config.hpp"

namespace lodestone::notify {

struct RouteHit {
  std::size_t route = 0;  // index into NotifyConfig::routes
  std::string receiver;   // one hit per receiver of the route
  std::string group_key;  // `{}/{matchers}:{group labels}`, as Alertmanager's groupKey
  std::map<std::string, std::string> group_labels;
};

class Router {
 public:
  explicit Router(const NotifyConfig& config) : config_(&config) {}
  // Every (route, receiver) the alert goes to; a receiver reached by two routes gets it once
  // (the first route's). Resolved notifications skip receivers with send_resolved off.
  [[nodiscard]] std::vector<RouteHit> route(const Alert& alert) const;

 private:
  const NotifyConfig* config_;
};

}  // namespace lodestone::notify
