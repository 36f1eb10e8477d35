#pragma once
// Replays a tape of canonical events (NDJSON) into the bus, paced by event time: the gap between
// two events is the trading time between them divided by `speed`, so nights, weekends and the
// lunch break pass instantly and 60x plays a trading day in four minutes.
#include <cstdint>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/clock.hpp"
#include "lodestone/core/event_sink.hpp"
#include "lodestone/feeds/canonical.hpp"
#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/net/net.hpp"

namespace lodestone::feeds {

struct ReplayOptions {
  std::string name = "replay";
  std::string path;
  double speed = 60.0;  // <= 0: as fast as possible
  // Start over at the end of the tape. Each pass is shifted forward by whole weeks past the
  // previous one (weekdays and sessions stay as they were) onto days that are all trading days
  // where the tape's were (never a holiday: replay_shift.hpp), and ids get a "~pass" suffix, so
  // the board keeps moving and the rules fire again instead of being deduplicated.
  bool loop = false;
  std::int64_t max_gap_ms = 1000;  // never wait longer than this between two events (overnight news)
  // When each event was received, for the feed's last-message age (tests pass a ManualClock).
  std::reference_wrapper<const Clock> clock = system_clock();
};

class ReplayFeed : public std::enable_shared_from_this<ReplayFeed> {
 public:
  ReplayFeed(net::any_io_executor executor, ReplayOptions options, EventSink& sink, std::shared_ptr<FeedStatus> status);
  void start();
  void stop();

 private:
  void open();
  void next();
  static constexpr int kLinesPerSlice = 256;

  net::strand<net::any_io_executor> strand_;
  net::steady_timer timer_;
  ReplayOptions options_;
  EventSink& sink_;
  std::shared_ptr<FeedStatus> status_;
  CanonicalParser parser_;
  std::ifstream in_;
  std::string line_;
  std::uint64_t line_no_ = 0;
  std::optional<Timestamp> previous_ts_;
  std::vector<Date> tape_days_;  // the exchange dates the tape has events on (ascending), to place passes
  int shift_weeks_ = 0;          // this pass's shift
  std::int64_t shift_ms_ = 0;    // added to every event time in this pass
  std::uint32_t pass_ = 0;
  bool stopped_ = false;
};

}  // namespace lodestone::feeds
