#pragma once
// The notifier's /metrics: what was delivered and how (by receiver, kind and outcome), how long
// it took from the alert to the service's "ok", what waits in the outbox and for how long,
// digests, rate-limit pauses, broken receivers.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>

#include "lodestone/notify/receiver.hpp"

namespace lodestone::notify::detail {

class NotifierMetrics {
 public:
  explicit NotifierMetrics(prometheus::Registry& registry);

  // outcome: sent, retry, rate_limited, broken, dead, silenced, skipped
  void notification(const std::string& receiver, ReceiverKind kind, std::string_view outcome, double count = 1);
  void delivered_after(const std::string& receiver, double seconds);
  void digest(const std::string& receiver);
  void pause(const std::string& receiver);
  void health(const std::string& receiver, ReceiverKind kind, bool up, bool paused);
  void outbox(double depth, double oldest_pending_seconds);
  void enqueue_dropped();

 private:
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& digests_;
  prometheus::Family<prometheus::Counter>& pauses_;
  prometheus::Family<prometheus::Gauge>& up_;
  prometheus::Family<prometheus::Gauge>& paused_;
  prometheus::Gauge& depth_;
  prometheus::Gauge& oldest_;
  prometheus::Counter& dropped_;
};

}  // namespace lodestone::notify::detail
