#pragma once
// The feeds' sanity checks (feeds/quote_sanity.hpp: limit band, crossed book, stale, future,
// order, duplicates) for quotes posted to POST /api/v1/ingest, which reach the bus by no feed
// (issue #14). The bus's own checks (lodestone::validate) come first, so what they refuse keeps
// its code; a refusal's code is its reason, counted like a feed's, and its message names the
// reason for the line's entry in the answer.
//
// A daemon that replays a tape without live feeds keeps event time (its rules run on the
// events' clock, and tests and scenarios post a tape's day through ingest): there a quote is
// checked at its own time, so stale and future never apply, while the band, the book, order and
// duplicates do. Otherwise "now" is the wall clock's, as for a live feed.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/result.hpp"
#include "lodestone/feeds/feed_status.hpp"
#include "lodestone/feeds/quote_sanity.hpp"

namespace lodestone::app {

struct IngestVerdict {
  Status status;                  // an error: the quote is refused, its code the reason
  std::optional<ErrorCode> flag;  // taken, and counted under this code once the bus takes it
  std::vector<std::string> log;   // an ST change, the day's first limit mismatch
};

// Thread-safe: every HTTP session checks through the one instance, as one feed would.
class IngestChecks {
 public:
  // `status` is the ingest feed's: limit mismatches are counted there, by symbol.
  IngestChecks(const InstrumentRegistry& registry, feeds::FeedStatus& status, bool event_time = false);

  IngestVerdict check(const Quote& quote, Timestamp now);

 private:
  const InstrumentRegistry& registry_;
  feeds::FeedStatus& status_;
  bool event_time_;
  std::mutex mutex_;
  feeds::QuoteSanity sanity_;
};

}  // namespace lodestone::app
