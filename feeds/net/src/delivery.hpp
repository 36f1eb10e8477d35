#pragma once
// What every live feed does with a parsed batch: sanity-check quotes, dedup headlines, count
// and log what was skipped (a sample per reason, at a bounded rate), hand the rest to the bus.
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "lodestone/core/event_sink.hpp"
#include "lodestone/feeds/batch.hpp"
#include "lodestone/feeds/feed.hpp"
#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/feeds/quote_sanity.hpp"
#include "lodestone/feeds/sequence.hpp"

namespace lodestone::feeds::detail {

class Delivery {
 public:
  Delivery(std::string feed, EventSink& sink, std::shared_ptr<FeedStatus> status, FeedContext context);

  void quotes(const QuoteBatch& batch);
  void headlines(HeadlineBatch& batch);
  // A fault outside the parsers (connection, encoding): counted by its code and logged the same way.
  void problem(ErrorCode code, std::string_view detail, std::string_view sample = {});
  // An HTTP status other than 200 or 304: counted as http_<status>, logged.
  void http_status(unsigned status, std::string_view detail, std::string_view sample = {});

  [[nodiscard]] Timestamp now() const { return clock().now(); }
  [[nodiscard]] const Clock& clock() const { return context_.clock.get(); }
  [[nodiscard]] FeedStatus& status() { return *status_; }
  [[nodiscard]] const std::string& feed() const { return feed_; }
  // A new connection: its message numbers start afresh, and what it sends first may be a
  // lagging server's lower cumulative volume (older times are still dropped).
  void reset_sequence() {
    sequence_.reset();
    sanity_.rebase();
  }

 private:
  struct LogGate {
    Clock::Steady last{};
    std::uint64_t suppressed = 0;
  };
  void log(std::string_view label, std::string_view detail, std::string_view sample);

  std::string feed_;
  EventSink& sink_;
  std::shared_ptr<FeedStatus> status_;
  FeedContext context_;
  QuoteSanity sanity_;
  SequenceTracker sequence_;
  std::shared_ptr<NewsDesk> own_desk_;
  std::unordered_map<std::string, LogGate> gates_;
};

}  // namespace lodestone::feeds::detail
