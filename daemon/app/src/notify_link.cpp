#include "lodestone/app/notify_link.hpp"

#include <spdlog/spdlog.h>

#include "lodestone/core/json_writer.hpp"
#include "lodestone/notify/route.hpp"
#include "lodestone/web/deliveries.hpp"

namespace lodestone::app {

NotifyLink::NotifyLink(net::any_io_executor executor, const Config& config, const Clock& clock,
                       std::shared_ptr<notify::Outbox> outbox, prometheus::Registry& metrics, web::Hub& hub,
                       std::function<void(Alert)> raise, std::function<web::RulesControl*()> rules)
    : outbox_(outbox ? std::move(outbox) : std::make_shared<notify::MemoryOutbox>(config.alert_retention)) {
  notify::NotifierHooks hooks;
  hooks.delivery = [&hub](const notify::DeliveryRecord& record) {
    hub.broadcast(
        std::make_shared<const std::string>(web::delivery_message(record.alert_key, notify::to_json(record))));
  };
  hooks.raise = std::move(raise);
  // The rule engine's silences, as the API and the page's "mute this" create them.
  hooks.silenced = [rules = std::move(rules)](const Alert& alert) {
    web::RulesControl* control = rules();
    if (!control) return false;
    const Timestamp now = control->now();
    const auto labels = notify::routing_labels(alert);
    for (const auto& s : control->silences(now))
      if (s.active(now) && s.matches(labels)) return true;
    return false;
  };
  for (const auto& w : config.notify.warnings) spdlog::warn("notify: {}", w);
  spdlog::info(
      "notify: {} receiver(s), {} route(s); the outbox is {}", config.notify.receivers.size(),
      config.notify.routes.size(),
      outbox_->stats().durable
          ? "in Redis: shared by every daemon, kept across restarts"
          : "in memory: a notification not yet delivered when the daemon stops is lost (use Redis to keep it)");
  notify::NotifierOptions options;
  options.instance = config.server.instance;
  notifier_ = notify::Notifier::create(std::move(executor), config.notify, *outbox_, sender_, clock, metrics,
                                       std::move(hooks), options);
}

NotifyLink::~NotifyLink() { sender_.stop(); }

void NotifyLink::start() { notifier_->start(); }

void NotifyLink::stop(std::function<void()> drained) {
  notifier_->stop([this, drained = std::move(drained)] {
    sender_.stop();
    if (drained) drained();
  });
}

void NotifyLink::deliveries(const std::string& alert_key, std::function<void(web::HttpAnswer)> reply) {
  notifier_->deliveries(
      alert_key, [alert_key, reply = std::move(reply)](Result<std::vector<notify::DeliveryRecord>> records) {
        if (!records) {
          std::string body = R"({"error":)";
          append_json_string(body, records.error().message);
          body.push_back('}');
          reply(web::HttpAnswer{static_cast<unsigned>(http_status(records.error().code)), std::move(body)});
          return;
        }
        std::vector<std::string> json;
        json.reserve(records->size());
        for (const auto& r : *records) json.push_back(notify::to_json(r));
        reply(web::HttpAnswer{200, web::deliveries_json(alert_key, json)});
      });
}

std::string NotifyLink::broken_receivers() const {
  std::string out;
  for (const auto& r : notifier_->receivers()) {
    if (r.health != notify::ReceiverHealth::Broken) continue;
    if (!out.empty()) out += "; ";
    out += "notify receiver " + r.name + " is broken: " + r.detail;
  }
  return out;
}

std::string NotifyLink::status_json() const {
  const auto stats = outbox_->stats();
  std::string out = R"({"enabled":true,"durable":)";
  out += stats.durable ? "true" : "false";
  out += R"(,"outbox":{"depth":)" + std::to_string(stats.depth) + R"(,"oldest_pending":)" +
         std::to_string(stats.oldest_pending.ms) + R"(},"receivers":[)";
  bool first = true;
  for (const auto& r : notifier_->receivers()) {
    if (!first) out.push_back(',');
    first = false;
    out += R"({"name":)";
    append_json_string(out, r.name);
    out += R"(,"kind":")" + std::string(notify::to_string(r.kind)) + R"(","health":")" +
           std::string(notify::to_string(r.health)) + R"(","detail":)";
    append_json_string(out, r.detail);
    out += R"(,"paused_until":)" + std::to_string(r.paused_until.ms) + R"(,"sent":)" + std::to_string(r.sent) +
           R"(,"failed":)" + std::to_string(r.failed) + R"(,"waiting":)" + std::to_string(r.waiting) + "}";
  }
  out += "]}";
  return out;
}

}  // namespace lodestone::app
