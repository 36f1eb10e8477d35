#pragma once
// Prometheus metrics at /metrics (prometheus-cpp, text format). Totals kept elsewhere (feed
// status, pipeline counters, the hub) are copied into the registry when a scrape arrives.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lodestone/app/pipeline.hpp"
#include "lodestone/feeds/feed_status.hpp"

namespace lodestone::app {

struct MetricsInputs {
  std::vector<feeds::FeedStatus::View> feeds;
  PipelineCounters pipeline;
  std::size_t pipeline_pending = 0;
  std::size_t ws_clients = 0;
  std::size_t http_connections = 0;
  std::uint64_t ws_messages_sent = 0;
  std::uint64_t ws_slow_closed = 0;
  std::int64_t now_ms = 0;
};

class Metrics {
 public:
  Metrics(const std::string& version, const std::string& instance);
  std::string render(const MetricsInputs& in);
  prometheus::Registry& registry() { return *registry_; }
  // Receive time minus event time, per feed (seconds).
  void observe_lag(const std::string& feed, double seconds);

 private:
  void set_counter(prometheus::Family<prometheus::Counter>& family, const prometheus::Labels& labels, double total);

  std::shared_ptr<prometheus::Registry> registry_;
  std::mutex mutex_;
  prometheus::Family<prometheus::Counter>& feed_messages_;
  prometheus::Family<prometheus::Counter>& feed_bytes_;
  prometheus::Family<prometheus::Counter>& feed_errors_;
  prometheus::Family<prometheus::Counter>& feed_reconnects_;
  prometheus::Family<prometheus::Gauge>& feed_state_;
  prometheus::Family<prometheus::Gauge>& feed_last_message_age_;
  prometheus::Family<prometheus::Histogram>& feed_lag_;
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& rejected_;
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Counter>& alerts_;
  prometheus::Family<prometheus::Gauge>& ws_clients_;
  prometheus::Family<prometheus::Gauge>& http_connections_;
  prometheus::Family<prometheus::Counter>& ws_sent_;
  prometheus::Family<prometheus::Counter>& ws_slow_closed_;
};

}  // namespace lodestone::app
