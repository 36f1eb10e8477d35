#pragma once
// The daemon's use of Redis in one place, so the wiring in daemon.cpp stays a few lines:
// the alert store the pipeline writes to, the state store behind the rule engine, delivery of
// alerts to the WebSocket hub, the restore that must finish before feeds start, /readyz and
// /metrics.
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "lodestone/app/config.hpp"
#include "lodestone/bus/fanout.hpp"
#include "lodestone/bus/pipeline.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/redis/alert_store.hpp"
#include "lodestone/redis/metrics.hpp"
#include "lodestone/redis/outbox.hpp"
#include "lodestone/redis/sentinel.hpp"
#include "lodestone/redis/state_store.hpp"
#include "lodestone/redis/url.hpp"
#include "lodestone/web/hub.hpp"

namespace lodestone::app {

// The journal's replay runs through the pipeline: on its strand, its alerts raised as its own.
class PipelineRules final : public redis::RuleHost {
 public:
  explicit PipelineRules(bus::Pipeline& pipeline) : pipeline_(pipeline) {}
  void post(std::function<void()> fn) override { pipeline_.post(std::move(fn)); }
  void raise(std::vector<Alert> alerts) override { pipeline_.raise(std::move(alerts)); }

 private:
  bus::Pipeline& pipeline_;
};

class RedisLink {
 public:
  // `instance` (the configuration's) names this daemon's journal: give every daemon sharing
  // one Redis its own. `clock` reads every "now" of the Redis code (deadlines, waits). With a
  // redis-sentinel:// endpoint every connection asks the Sentinels for the master (and follows
  // it when it moves); the passwords come from config.redis_tuning (the environment).
  RedisLink(net::any_io_executor executor, const Config& config, const redis::Endpoint& endpoint, const Clock& clock);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // How every connection of this daemon reaches Redis (password, timeouts, the Sentinel that
  // says where the master is), for a connection of its own such as the audit log's.
  [[nodiscard]] const redis::ClientOptions& client_options() const { return client_; }
  // For the Pipeline's constructor.
  bus::AlertStore& alerts() { return *alerts_; }
  // Once the pipeline exists.
  // Quotes restored and from other daemons go out through `fanout`, their headlines into the
  // pipeline; alerts from the stream go to every client of `hub`.
  void attach(const InstrumentRegistry& registry, bus::Fanout& fanout, web::Hub& hub, bus::NewsLog& news,
              bus::Pipeline& pipeline, prometheus::Registry& metrics);
  // The notification outbox on this daemon's Redis, claiming under the instance name (made and
  // connected on the first call; closed by stop()).
  std::shared_ptr<redis::Outbox> outbox(std::chrono::milliseconds claim_timeout);
  // For Pipeline::set_evaluator: the rule engine (may be null) behind the journal.
  std::shared_ptr<bus::Evaluator> recorder(std::shared_ptr<bus::Evaluator> rules);
  // Connects, loads the alert history and restores board, news and rules, then runs `then`
  // (start the feeds there) once: after the restore, or after `wait` if Redis is not there.
  void start(std::chrono::milliseconds wait, std::function<void()> then);
  // Gives buffered and in-flight writes up to `drain` to reach Redis (what does not is named in
  // the log), then disconnects; `stopped` runs (from a store's thread) and stopped() turns true
  // when both stores are done.
  void stop(std::chrono::milliseconds drain, std::function<void()> stopped = {});
  [[nodiscard]] bool stopped() const;

  // Runs once, from an I/O thread, when Redis refuses the credentials (NOAUTH, WRONGPASS): a
  // configuration error the daemon must exit on instead of retrying forever. Set before start().
  void on_fatal(std::function<void()> fn);
  // Why Redis refused this daemon for good; "" while it has not.
  [[nodiscard]] std::string fatal_error() const;

  // "" when Redis keeps every promise; else why not (for /readyz): a store's reason first, then,
  // with Sentinel, a majority of the Sentinels out of reach (no failover could happen).
  [[nodiscard]] std::string degraded_reason() const;
  // What an operator must fix that does not stop this daemon serving ("" = nothing): the Sentinel
  // majority lost while the master lives. Not a readiness failure: every daemon behind the
  // balancer asks the same Sentinels, so it would take all of them out of rotation at once.
  [[nodiscard]] std::string readiness_warning() const;
  void update_metrics();  // before rendering /metrics

 private:
  net::any_io_executor executor_;
  const Clock& clock_;
  redis::StateOptions state_options_;
  std::shared_ptr<redis::AlertStore> alerts_;
  redis::ClientOptions client_;
  std::shared_ptr<redis::Sentinel> sentinel_;  // with Sentinel: every connection's source
  std::string instance_;
  std::shared_ptr<redis::Outbox> outbox_;
  std::optional<PipelineRules> rules_;  // outlives state_
  std::shared_ptr<redis::StateStore> state_;
  std::optional<redis::Metrics> metrics_;
  struct Fatal {
    mutable std::mutex mutex;
    std::string why;
    std::function<void()> fn;
  };
  std::shared_ptr<Fatal> fatal_;
};

}  // namespace lodestone::app
