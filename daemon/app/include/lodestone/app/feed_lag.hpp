#pragma once
// Feed lag: how long after its event time each quote or headline of a live feed reached the
// daemon. A sink in front of the pipeline, so feeds need not know about metrics. Replay tapes
// are not measured: their event times are the tape's, moved to this week, not the wire's.
#include <cstdint>
#include <functional>
#include <string>

#include "lodestone/core/event_sink.hpp"

namespace lodestone::app {

// Receive time minus event time, in seconds; a sender's clock ahead of ours (skew) counts as no
// lag rather than a negative one.
inline double lag_seconds(std::int64_t received_ms, Timestamp event_time) {
  const std::int64_t lag_ms = received_ms - event_time.ms;
  return lag_ms > 0 ? static_cast<double>(lag_ms) / 1000.0 : 0.0;
}

class FeedLagSink final : public EventSink {
 public:
  // `observe(seconds)` gets receive time minus event time; `now_ms` is the wall clock.
  FeedLagSink(EventSink& next, std::function<void(double)> observe, std::function<std::int64_t()> now_ms)
      : next_(next), observe_(std::move(observe)), now_ms_(std::move(now_ms)) {}

  void on_quote(const Quote& quote) override {
    measure(quote.ts);
    next_.on_quote(quote);
  }
  void on_headline(const Headline& headline) override {
    measure(headline.ts);
    next_.on_headline(headline);
  }

 private:
  void measure(Timestamp event_time) { observe_(lag_seconds(now_ms_(), event_time)); }

  EventSink& next_;
  std::function<void(double)> observe_;
  std::function<std::int64_t()> now_ms_;
};

}  // namespace lodestone::app
