#pragma once
// Redis health at /metrics: per connection (alerts-writer, alerts-reader, state-writer,
// state-reader) whether it is up, its commands, errors, timeouts and connects; the buffers
// that hold writes while Redis is away; whether Redis persists with an append-only file.
// Totals live in the stores; update() copies them in before a scrape is rendered.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <mutex>

#include "lodestone/redis/alert_store.hpp"
#include "lodestone/redis/sentinel.hpp"
#include "lodestone/redis/state_store.hpp"

namespace lodestone::redis {

class Metrics {
 public:
  explicit Metrics(prometheus::Registry& registry);
  void update(const AlertStoreStats& alerts, const StateStats& state);
  // With Sentinel: failovers seen, the master now (an info metric labelled with its address),
  // each Sentinel's reachability.
  void update(const SentinelStats& sentinel);

 private:
  void connection(const std::string& name, const ClientStats& s);

  std::mutex mutex_;
  prometheus::Family<prometheus::Gauge>& up_;
  prometheus::Family<prometheus::Counter>& commands_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& timeouts_;
  prometheus::Family<prometheus::Counter>& connects_;
  prometheus::Family<prometheus::Gauge>& aof_;
  prometheus::Family<prometheus::Gauge>& persistence_;
  prometheus::Family<prometheus::Gauge>& buffered_;
  prometheus::Family<prometheus::Gauge>& buffer_limit_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Counter>& alerts_;
  prometheus::Family<prometheus::Counter>& remote_;
  prometheus::Family<prometheus::Counter>& unreplicated_;
  prometheus::Family<prometheus::Counter>* failovers_ = nullptr;  // made on the first Sentinel update
  prometheus::Family<prometheus::Gauge>* master_ = nullptr;
  prometheus::Family<prometheus::Gauge>* sentinel_up_ = nullptr;
  prometheus::Registry& registry_;
  std::string master_shown_;
};

}  // namespace lodestone::redis
