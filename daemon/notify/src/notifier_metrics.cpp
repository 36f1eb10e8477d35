#include "notifier_metrics.hpp"

namespace lodestone::notify::detail {

NotifierMetrics::NotifierMetrics(prometheus::Registry& registry)
    : notifications_(prometheus::BuildCounter()
                         .Name("lodestone_notifications_total")
                         .Help("Notification deliveries by receiver, receiver kind and outcome (sent, retry, "
                               "rate_limited, broken, dead, silenced, skipped), one per outbox entry")
                         .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("lodestone_notification_delivery_seconds")
                   .Help("From the alert's notification entering the outbox to the service's acceptance")
                   .Register(registry)),
      digests_(prometheus::BuildCounter()
                   .Name("lodestone_notify_digests_total")
                   .Help("Digest messages sent: what a receiver's rate limit, pause or quiet hours held back, in one")
                   .Register(registry)),
      pauses_(prometheus::BuildCounter()
                  .Name("lodestone_notify_rate_limit_pauses_total")
                  .Help("Times a service answered with its own rate limit and its receiver was paused")
                  .Register(registry)),
      up_(prometheus::BuildGauge()
              .Name("lodestone_notify_receiver_up")
              .Help("1 while the receiver takes messages, 0 once it answered with an error retrying cannot fix")
              .Register(registry)),
      paused_(prometheus::BuildGauge()
                  .Name("lodestone_notify_receiver_paused")
                  .Help("1 while the receiver is paused after its service's rate-limit answer")
                  .Register(registry)),
      depth_(prometheus::BuildGauge()
                 .Name("lodestone_notify_outbox_depth")
                 .Help("Outbox entries not yet settled (waiting, held for grouping or pacing, or in flight)")
                 .Register(registry)
                 .Add({})),
      oldest_(prometheus::BuildGauge()
                  .Name("lodestone_notify_outbox_oldest_pending_seconds")
                  .Help("Age of the oldest unsettled outbox entry (0 when none)")
                  .Register(registry)
                  .Add({})),
      dropped_(prometheus::BuildCounter()
                   .Name("lodestone_notify_enqueue_dropped_total")
                   .Help("Notifications never enqueued: the outbox was away and the waiting buffer was full")
                   .Register(registry)
                   .Add({})) {}

void NotifierMetrics::notification(const std::string& receiver, ReceiverKind kind, std::string_view outcome,
                                   double count) {
  notifications_
      .Add({{"receiver", receiver}, {"kind", std::string(to_string(kind))}, {"outcome", std::string(outcome)}})
      .Increment(count);
}

void NotifierMetrics::delivered_after(const std::string& receiver, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.05, 0.1, 0.25, 0.5, 1,   2,    5,
                                                                10,   30,  60,   300, 900, 3600, 21600};
  latency_.Add({{"receiver", receiver}}, kBuckets).Observe(seconds);
}

void NotifierMetrics::digest(const std::string& receiver) { digests_.Add({{"receiver", receiver}}).Increment(); }

void NotifierMetrics::pause(const std::string& receiver) { pauses_.Add({{"receiver", receiver}}).Increment(); }

void NotifierMetrics::health(const std::string& receiver, ReceiverKind kind, bool up, bool paused) {
  const prometheus::Labels labels{{"receiver", receiver}, {"kind", std::string(to_string(kind))}};
  up_.Add(labels).Set(up ? 1 : 0);
  paused_.Add(labels).Set(paused ? 1 : 0);
}

void NotifierMetrics::outbox(double depth, double oldest_pending_seconds) {
  depth_.Set(depth);
  oldest_.Set(oldest_pending_seconds);
}

void NotifierMetrics::enqueue_dropped() { dropped_.Increment(); }

}  // namespace lodestone::notify::detail
