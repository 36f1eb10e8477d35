#include "lodestone/app/redis_link.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdint>

namespace lodestone::app {

RedisLink::RedisLink(net::any_io_executor executor, const Config& config, const redis::Endpoint& configured,
                     const Clock& clock)
    : executor_(std::move(executor)), clock_(clock), fatal_(std::make_shared<Fatal>()) {
  const auto& t = config.redis_tuning;
  redis::Endpoint endpoint = configured;
  if (!t.password.empty()) endpoint.password = t.password;
  if (!t.sentinel_password.empty()) endpoint.sentinel_password = t.sentinel_password;
  redis::ClientOptions client;
  client.endpoint = endpoint;
  client.command_timeout = std::chrono::milliseconds(t.command_timeout_ms);
  client.backoff_max = std::chrono::milliseconds(std::max<std::int64_t>(t.backoff_max_ms, 100));
  // Every connection reports a refused password here, once for the daemon.
  client.on_fatal = [fatal = fatal_](const std::string& why) {
    std::function<void()> fn;
    {
      std::lock_guard lock(fatal->mutex);
      if (!fatal->why.empty()) return;
      fatal->why = why;
      fn = fatal->fn;
    }
    if (fn) fn();
  };
  redis::AlertStoreOptions a;
  a.instance = config.server.instance;
  a.retention = config.alert_retention;
  a.stream_maxlen = std::max(t.stream_maxlen, config.alert_retention);
  a.max_buffered = t.max_buffered;
  // An alert waits for its trigger's journal write at most as long as a command may take.
  a.journal_wait = client.command_timeout;
  a.wait_replicas = t.wait_replicas;
  a.wait_timeout = std::chrono::milliseconds(t.wait_timeout_ms);
  if (endpoint.sentinel()) {
    redis::SentinelOptions s;
    s.endpoint = endpoint;
    s.name = "lodestone-" + config.server.instance;
    s.command_timeout = std::min(client.command_timeout, std::chrono::milliseconds(1000));
    s.backoff_max = std::min(client.backoff_max, std::chrono::milliseconds(2000));
    s.on_fatal = client.on_fatal;
    sentinel_ = redis::Sentinel::create(executor_, s, clock_);
    // Started now: the outbox may connect before start() (the notifier is made with the daemon).
    sentinel_->start();
    client.source = sentinel_;
  }
  a.client = client;
  client_ = client;
  alerts_ = redis::AlertStore::create(executor_, a, clock_);
  state_options_.instance = config.server.instance;
  instance_ = config.server.instance;
  state_options_.max_buffered_events = t.max_buffered_events;
  state_options_.journal = std::chrono::duration_cast<std::chrono::hours>(std::chrono::milliseconds(t.journal_ms));
  state_options_.client = client;
  spdlog::info(
      "alerts and state in {} (instance '{}'; up to {} alerts and {} journal events buffered while Redis is away; "
      "command timeout {} ms; {})",
      redis::describe(endpoint), config.server.instance, t.max_buffered, t.max_buffered_events, t.command_timeout_ms,
      t.wait_replicas ? "an alert is stored once WAIT says " + std::to_string(t.wait_replicas) + " replicas have it"
                      : std::string("no WAIT for replicas"));
}

void RedisLink::on_fatal(std::function<void()> fn) {
  std::lock_guard lock(fatal_->mutex);
  fatal_->fn = std::move(fn);
}

std::string RedisLink::fatal_error() const {
  std::lock_guard lock(fatal_->mutex);
  return fatal_->why;
}

RedisLink::~RedisLink() = default;

void RedisLink::attach(const InstrumentRegistry& registry, bus::Fanout& fanout, web::Hub& hub, bus::NewsLog& news,
                       bus::Pipeline& pipeline, prometheus::Registry& metrics) {
  alerts_->set_delivery([&hub](const bus::StoredAlert& a) { hub.broadcast(a.json); });
  // Clients that resumed before the history was there got nothing; make them resume again.
  alerts_->when_loaded([&hub] {
    if (hub.clients() == 0) return;
    spdlog::info("alert history loaded after {} clients connected: asking them to resume", hub.clients());
    hub.close_all(websocket::close_code::service_restart);
  });
  rules_.emplace(pipeline);
  state_ = redis::StateStore::create(
      executor_, state_options_, clock_,
      {.registry = registry, .fanout = fanout, .sink = pipeline, .news = news, .rules = *rules_});
  // Write-ahead: an alert reaches the stream only after the journal holds its trigger, so a
  // restart's replay explains every stored alert (no firing the rules do not know about).
  std::weak_ptr<redis::StateStore> state = state_;
  alerts_->wait_for_journal(
      [state] {
        auto s = state.lock();
        return s ? s->recorded() : 0;
      },
      [state] {
        auto s = state.lock();
        return s ? s->settled() : UINT64_MAX;
      },
      [state] {
        if (auto s = state.lock()) s->flush_soon();
      });
  std::weak_ptr<redis::AlertStore> alerts = alerts_;
  state_->on_settled([alerts] {
    if (auto a = alerts.lock()) a->journal_settled();
  });
  metrics_.emplace(metrics);
}

std::shared_ptr<bus::Evaluator> RedisLink::recorder(std::shared_ptr<bus::Evaluator> rules) {
  return state_->recorder(std::move(rules));
}

void RedisLink::start(std::chrono::milliseconds wait, std::function<void()> then) {
  alerts_->start();
  state_->start();
  state_->restore(wait, [then = std::move(then)](bool) { then(); });
}

void RedisLink::stop(std::chrono::milliseconds drain, std::function<void()> stopped) {
  // Both stores drain at once; `stopped` runs when the second one has halted.
  auto left = std::make_shared<std::atomic<int>>(state_ ? 2 : 1);
  auto one_halted = [left, stopped = std::move(stopped), sentinel = sentinel_] {
    if (left->fetch_sub(1) != 1) return;
    if (sentinel) sentinel->stop();
    if (stopped) stopped();
  };
  // The outbox's last ledger writes were sent before this step (the notifier drains first);
  // its connection closes with the stores'.
  auto outbox = outbox_;
  auto halted = [one_halted, outbox] {
    if (outbox) outbox->stop();
    one_halted();
  };
  alerts_->stop(drain, halted);
  if (state_) state_->stop(drain, one_halted);
}

std::shared_ptr<redis::Outbox> RedisLink::outbox(std::chrono::milliseconds claim_timeout) {
  if (!outbox_) {
    redis::OutboxOptions o;
    o.consumer = instance_;
    o.claim_timeout = claim_timeout;
    o.client = client_;
    outbox_ = redis::Outbox::create(executor_, o, clock_);
    outbox_->start();
  }
  return outbox_;
}

bool RedisLink::stopped() const { return alerts_->stopped() && (!state_ || state_->stopped()); }

std::string RedisLink::degraded_reason() const {
  std::string why = alerts_->degraded_reason();
  const std::string state = state_ ? state_->degraded_reason() : std::string();
  if (!state.empty() && why.empty()) why = state;
  return why;
}

std::string RedisLink::readiness_warning() const { return sentinel_ ? sentinel_->degraded_reason() : std::string(); }

void RedisLink::update_metrics() {
  if (metrics_ && state_) metrics_->update(alerts_->stats(), state_->stats());
  if (metrics_ && sentinel_) metrics_->update(sentinel_->stats());
}

}  // namespace lodestone::app
