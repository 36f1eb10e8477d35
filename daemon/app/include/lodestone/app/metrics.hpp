#pragma once
// Prometheus metrics at /metrics (prometheus-cpp, text format). Totals kept elsewhere (feed
// status, pipeline counters, the hub, the rule engine) are copied into the registry when a
// scrape arrives; rule evaluation latency, alerts and feed lag are observed as they happen.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lodestone/bus/pipeline.hpp"
#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/rules/engine.hpp"
#include "lodestone/web/stats.hpp"

namespace lodestone::app {

struct MetricsInputs {
  std::vector<feeds::FeedStatus::View> feeds;
  bus::PipelineCounters pipeline;
  std::size_t pipeline_pending = 0;
  std::size_t ws_clients = 0;
  std::size_t http_connections = 0;
  std::uint64_t ws_messages_sent = 0;
  std::uint64_t ws_slow_closed = 0;
  web::QueueDepth ws_queue;            // messages waiting in all send queues, the deepest one
  const web::WebStats* web = nullptr;  // refusals and client-caused closes, by reason
  std::vector<std::pair<std::string, rules::RuleCounters>> rules;  // per rule of the running set
  std::int64_t now_ms = 0;
  std::int64_t calendar_days_known = 0;      // today to the calendar's last known day
  std::uint64_t calendar_reload_errors = 0;  // calendar files refused on SIGHUP
};

class Metrics final : public bus::PipelineObserver {
 public:
  Metrics(const std::string& version, const std::string& instance);
  std::string render(const MetricsInputs& in);
  prometheus::Registry& registry() { return *registry_; }
  // Receive time minus event time, per feed (seconds): the feed's histogram, to observe into.
  prometheus::Histogram& feed_lag(const std::string& feed);

  // PipelineObserver
  void evaluated(Evaluation what, std::chrono::nanoseconds took) override;
  void published(const Alert& alert) override;

 private:
  void set_counter(prometheus::Family<prometheus::Counter>& family, const prometheus::Labels& labels, double total);
  template <class Reason>
  void count_by_reason(prometheus::Family<prometheus::Counter>& family, const web::ReasonCounters<Reason>& counters);

  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mutex_;
  prometheus::Family<prometheus::Counter>& feed_messages_;
  prometheus::Family<prometheus::Counter>& feed_bytes_;
  prometheus::Family<prometheus::Counter>& feed_errors_;
  prometheus::Family<prometheus::Counter>& feed_reconnects_;
  prometheus::Family<prometheus::Gauge>& feed_state_;
  prometheus::Family<prometheus::Gauge>& feed_last_message_age_;
  prometheus::Family<prometheus::Counter>& limit_mismatches_;
  prometheus::Family<prometheus::Histogram>& feed_lag_;
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Counter>& alerts_;
  prometheus::Family<prometheus::Histogram>& rule_evaluation_;
  std::array<prometheus::Histogram*, 3> rule_evaluation_by_event_{};
  prometheus::Family<prometheus::Counter>& rule_outcomes_;
  prometheus::Family<prometheus::Gauge>& ws_queued_;
  prometheus::Family<prometheus::Gauge>& ws_queue_max_;
  prometheus::Family<prometheus::Counter>& refused_connections_;
  prometheus::Family<prometheus::Counter>& rejected_requests_;
  prometheus::Family<prometheus::Counter>& client_closes_;
  prometheus::Family<prometheus::Gauge>& ws_clients_;
  prometheus::Family<prometheus::Gauge>& http_connections_;
  prometheus::Family<prometheus::Counter>& ws_sent_;
  prometheus::Family<prometheus::Counter>& ws_slow_closed_;
  prometheus::Family<prometheus::Gauge>& calendar_days_known_;
  prometheus::Family<prometheus::Counter>& calendar_reload_errors_;
};

}  // namespace lodestone::app
