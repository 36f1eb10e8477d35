#pragma once
// The daemon's outbound side in one place: the outbox (Redis's when the daemon has Redis, else
// in memory), the sender's thread and the notifier, with the hooks that tie them to the rest:
// every alert the pipeline publishes is offered to the routes, ledger changes reach the page,
// a broken receiver raises a system alert, silences are checked when a message is due.
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>

#include "lodestone/app/config.hpp"
#include "lodestone/bus/pipeline.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/notify/notifier.hpp"
#include "lodestone/notify/outbox.hpp"
#include "lodestone/notify/sender.hpp"
#include "lodestone/web/api.hpp"
#include "lodestone/web/hub.hpp"
#include "lodestone/web/rules_control.hpp"

namespace lodestone::app {

class NotifyLink {
 public:
  // `outbox` null: the in-memory one. Everything passed must outlive the link.
  NotifyLink(net::any_io_executor executor, const Config& config, const Clock& clock,
             std::shared_ptr<notify::Outbox> outbox, prometheus::Registry& metrics, web::Hub& hub,
             std::function<void(Alert)> raise, std::function<web::RulesControl*()> rules);
  ~NotifyLink();
  NotifyLink(const NotifyLink&) = delete;
  NotifyLink& operator=(const NotifyLink&) = delete;

  void start();
  // Stops claiming and sending; `drained` runs once the messages already with a service are
  // answered (the shutdown bounds the wait).
  void stop(std::function<void()> drained);
  // An alert notification the pipeline published. Any thread.
  void publish(const Alert& alert) { notifier_->publish(alert); }

  notify::Notifier& notifier() { return *notifier_; }
  [[nodiscard]] bool durable() const { return outbox_->stats().durable; }
  // "" when every receiver takes messages; else which do not and why (for /readyz's warning).
  [[nodiscard]] std::string broken_receivers() const;
  // GET /api/v1/notify: the receivers (name, kind, health, counts), never their URLs or secrets.
  [[nodiscard]] std::string status_json() const;
  void update_metrics() { notifier_->update_metrics(); }
  // GET /api/v1/alerts/KEY/deliveries: every receiver's record for the alert, from the ledger.
  void deliveries(const std::string& alert_key, std::function<void(web::HttpAnswer)> reply);

 private:
  std::shared_ptr<notify::Outbox> outbox_;
  notify::CurlSender sender_;
  std::shared_ptr<notify::Notifier> notifier_;
};

}  // namespace lodestone::app
