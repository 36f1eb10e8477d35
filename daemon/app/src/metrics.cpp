#include "lodestone/app/metrics.hpp"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace lodestone::app {

namespace pm = prometheus;

Metrics::Metrics(const std::string& version, const std::string& instance)
    : registry_(std::make_shared<pm::Registry>()),
      feed_messages_(pm::BuildCounter()
                         .Name("lodestone_feed_messages_total")
                         .Help("Messages received per feed")
                         .Register(*registry_)),
      feed_bytes_(
          pm::BuildCounter().Name("lodestone_feed_bytes_total").Help("Bytes received per feed").Register(*registry_)),
      feed_errors_(pm::BuildCounter()
                       .Name("lodestone_feed_parse_errors_total")
                       .Help("Malformed messages per feed and reason")
                       .Register(*registry_)),
      feed_reconnects_(
          pm::BuildCounter().Name("lodestone_feed_reconnects_total").Help("Reconnects per feed").Register(*registry_)),
      feed_state_(
          pm::BuildGauge().Name("lodestone_feed_state").Help("1 for the feed's current state").Register(*registry_)),
      feed_last_message_age_(pm::BuildGauge()
                                 .Name("lodestone_feed_last_message_age_seconds")
                                 .Help("Seconds since the feed's last message")
                                 .Register(*registry_)),
      limit_mismatches_(pm::BuildCounter()
                            .Name("lodestone_limit_mismatch_total")
                            .Help("Quotes whose source's limit prices differ from ours, per symbol")
                            .Register(*registry_)),
      feed_lag_(pm::BuildHistogram()
                    .Name("lodestone_feed_lag_seconds")
                    .Help("Receive time minus event time")
                    .Register(*registry_)),
      events_(pm::BuildCounter()
                  .Name("lodestone_events_total")
                  .Help("Events processed by the pipeline, by type")
                  .Register(*registry_)),
      rejected_(pm::BuildCounter()
                    .Name("lodestone_events_rejected_total")
                    .Help("Events rejected by validation, by reason")
                    .Register(*registry_)),
      pending_(pm::BuildGauge()
                   .Name("lodestone_pipeline_pending_events")
                   .Help("Events queued for the pipeline")
                   .Register(*registry_)),
      alerts_(pm::BuildCounter()
                  .Name("lodestone_alerts_total")
                  .Help("Alert notifications published, by rule, severity and state (firing, resolved)")
                  .Register(*registry_)),
      rule_evaluation_(pm::BuildHistogram()
                           .Name("lodestone_rule_evaluation_seconds")
                           .Help("Rule engine time per event (quote, headline) or timer tick; _count is evaluations")
                           .Register(*registry_)),
      rule_outcomes_(pm::BuildCounter()
                         .Name("lodestone_rule_outcomes_total")
                         .Help("What each rule did: fired, notified, resolved, silenced, inhibited, grouped, "
                               "cooldown, frequency, session")
                         .Register(*registry_)),
      ws_queued_(pm::BuildGauge()
                     .Name("lodestone_websocket_queued_messages")
                     .Help("Messages waiting in all WebSocket clients' send queues")
                     .Register(*registry_)),
      ws_queue_max_(pm::BuildGauge()
                        .Name("lodestone_websocket_queue_depth_max")
                        .Help("The deepest single WebSocket client's send queue")
                        .Register(*registry_)),
      refused_connections_(pm::BuildCounter()
                               .Name("lodestone_http_refused_connections_total")
                               .Help("Connections refused before a request was read, by reason")
                               .Register(*registry_)),
      rejected_requests_(
          pm::BuildCounter()
              .Name("lodestone_http_rejected_requests_total")
              .Help("HTTP requests refused before routing (414, 431, 413, timeout, malformed), by reason")
              .Register(*registry_)),
      client_closes_(pm::BuildCounter()
                         .Name("lodestone_websocket_client_closes_total")
                         .Help("WebSockets closed for what the client did or did not do, by reason")
                         .Register(*registry_)),
      ws_clients_(pm::BuildGauge()
                      .Name("lodestone_websocket_clients")
                      .Help("Connected WebSocket clients")
                      .Register(*registry_)),
      http_connections_(pm::BuildGauge()
                            .Name("lodestone_http_connections")
                            .Help("Open HTTP connections, WebSockets included")
                            .Register(*registry_)),
      ws_sent_(pm::BuildCounter()
                   .Name("lodestone_websocket_messages_sent_total")
                   .Help("WebSocket messages written")
                   .Register(*registry_)),
      ws_slow_closed_(pm::BuildCounter()
                          .Name("lodestone_websocket_slow_clients_closed_total")
                          .Help("Clients closed for falling behind")
                          .Register(*registry_)),
      calendar_days_known_(pm::BuildGauge()
                               .Name("lodestone_calendar_days_known")
                               .Help("Days from today to the last day whose closures the calendar knows (0 or "
                                     "negative: today is beyond it, and weekdays are taken as trading days)")
                               .Register(*registry_)),
      calendar_reload_errors_(pm::BuildCounter()
                                  .Name("lodestone_calendar_reload_errors_total")
                                  .Help("Calendar files refused on SIGHUP (the running calendar stayed)")
                                  .Register(*registry_)) {
  pm::BuildGauge()
      .Name("lodestone_build_info")
      .Help("Build information")
      .Register(*registry_)
      .Add({{"version", version}, {"instance", instance}})
      .Set(1);
  // Quotes take microseconds; a tick that resolves a burst of alerts may take milliseconds.
  const pm::Histogram::BucketBoundaries buckets{1e-6,   2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4,
                                                2.5e-4, 5e-4,   1e-3, 5e-3, 1e-2,   0.1};
  rule_evaluation_by_event_ = {&rule_evaluation_.Add({{"event", "quote"}}, buckets),
                               &rule_evaluation_.Add({{"event", "headline"}}, buckets),
                               &rule_evaluation_.Add({{"event", "tick"}}, buckets)};
}

void Metrics::evaluated(Evaluation what, std::chrono::nanoseconds took) {
  rule_evaluation_by_event_[static_cast<std::size_t>(what)]->Observe(std::chrono::duration<double>(took).count());
}

void Metrics::published(const Alert& alert) {
  alerts_
      .Add({{"rule", alert.rule},
            {"severity", std::string(to_string(alert.severity))},
            {"state", std::string(to_string(alert.state))}})
      .Increment();
}

template <class Reason>
void Metrics::count_by_reason(pm::Family<pm::Counter>& family, const web::ReasonCounters<Reason>& counters) {
  for (std::size_t i = 0; i < counters.size(); ++i) {
    const auto reason = static_cast<Reason>(i);
    set_counter(family, {{"reason", std::string(web::to_string(reason))}}, static_cast<double>(counters.get(reason)));
  }
}

void Metrics::set_counter(pm::Family<pm::Counter>& family, const pm::Labels& labels, double total) {
  auto& c = family.Add(labels);
  const double delta = total - c.Value();
  if (delta > 0) c.Increment(delta);
}

pm::Histogram& Metrics::feed_lag(const std::string& feed) {
  static const pm::Histogram::BucketBoundaries kBuckets{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return feed_lag_.Add({{"feed", feed}}, kBuckets);
}

std::string Metrics::render(const MetricsInputs& in) {
  std::lock_guard lock(mutex_);
  for (const auto& f : in.feeds) {
    const pm::Labels l{{"feed", f.name}, {"kind", f.kind}};
    set_counter(feed_messages_, l, static_cast<double>(f.messages));
    set_counter(feed_bytes_, l, static_cast<double>(f.bytes));
    set_counter(feed_reconnects_, l, static_cast<double>(f.reconnects));
    for (const auto& [reason, n] : f.errors)
      set_counter(feed_errors_, {{"feed", f.name}, {"reason", reason}}, static_cast<double>(n));
    for (auto s : {feeds::FeedState::Connecting, feeds::FeedState::Live, feeds::FeedState::Stale,
                   feeds::FeedState::Down, feeds::FeedState::Finished})
      feed_state_.Add({{"feed", f.name}, {"state", std::string(feeds::to_string(s))}}).Set(f.state == s ? 1 : 0);
    if (f.last_message_ms > 0)
      feed_last_message_age_.Add({{"feed", f.name}}).Set(static_cast<double>(in.now_ms - f.last_message_ms) / 1000.0);
  }
  // Summed over the feeds that print limit prices: the symbol's previous close or band is what
  // is wrong, whichever source noticed.
  std::map<std::string, std::uint64_t> mismatches;
  for (const auto& f : in.feeds)
    for (const auto& [symbol, n] : f.limit_mismatches) mismatches[symbol] += n;
  for (const auto& [symbol, n] : mismatches)
    set_counter(limit_mismatches_, {{"symbol", symbol}}, static_cast<double>(n));
  set_counter(events_, {{"type", "quote"}}, static_cast<double>(in.pipeline.quotes));
  set_counter(events_, {{"type", "news"}}, static_cast<double>(in.pipeline.headlines));
  set_counter(events_, {{"type", "duplicate_news"}}, static_cast<double>(in.pipeline.duplicate_headlines));
  set_counter(events_, {{"type", "news_revision"}}, static_cast<double>(in.pipeline.headline_revisions));
  set_counter(events_, {{"type", "shed_quote"}}, static_cast<double>(in.pipeline.shed_quotes));
  for (const auto& [reason, n] : in.pipeline.rejected)
    set_counter(rejected_, {{"reason", reason}}, static_cast<double>(n));
  pending_.Add({}).Set(static_cast<double>(in.pipeline_pending));
  for (const auto& [rule, c] : in.rules) {
    for (const auto& [outcome, n] : {std::pair<const char*, std::uint64_t>{"fired", c.fired},
                                     {"notified", c.notified},
                                     {"resolved", c.resolved},
                                     {"silenced", c.silenced},
                                     {"inhibited", c.inhibited},
                                     {"grouped", c.grouped},
                                     {"cooldown", c.cooldown},
                                     {"frequency", c.frequency},
                                     {"session", c.session}})
      set_counter(rule_outcomes_, {{"rule", rule}, {"outcome", outcome}}, static_cast<double>(n));
  }
  ws_queued_.Add({}).Set(static_cast<double>(in.ws_queue.total));
  ws_queue_max_.Add({}).Set(static_cast<double>(in.ws_queue.deepest));
  if (in.web) {
    count_by_reason(refused_connections_, in.web->refused_connections);
    count_by_reason(rejected_requests_, in.web->rejected_requests);
    count_by_reason(client_closes_, in.web->client_closes);
  }
  ws_clients_.Add({}).Set(static_cast<double>(in.ws_clients));
  http_connections_.Add({}).Set(static_cast<double>(in.http_connections));
  set_counter(ws_sent_, {}, static_cast<double>(in.ws_messages_sent));
  set_counter(ws_slow_closed_, {}, static_cast<double>(in.ws_slow_closed));
  calendar_days_known_.Add({}).Set(static_cast<double>(in.calendar_days_known));
  set_counter(calendar_reload_errors_, {}, static_cast<double>(in.calendar_reload_errors));
  std::ostringstream out;
  pm::TextSerializer().Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace lodestone::app
