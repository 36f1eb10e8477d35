#pragma once
// Checks a quote must pass before it reaches the bus (issue #3 "Resilience"): each failure has a
// short reason, counted per feed. Pure: time comes in as an argument. Reusable by the daemon for
// quotes from any source, including the ingest endpoint.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"

namespace lodestone::feeds {

enum class Verdict : std::uint8_t {
  Accept,
  Flag,    // passed on, but counted: a crossed book, an unknown instrument
  Reject,  // skipped and counted
};

struct SanityResult {
  Verdict verdict = Verdict::Accept;
  std::string reason;  // counter key: "non_positive_price", "outside_limit_band", "crossed_book", …
  std::string detail;
};

struct SanityOptions {
  std::int64_t max_future_ms = 60'000;  // clock skew tolerated before a time counts as the future
  bool reject_crossed = false;          // a crossed book outside auctions is flagged, or rejected
};

class QuoteSanity {
 public:
  // `registry` may be null (no limit-band check then).
  QuoteSanity(const InstrumentRegistry* registry, SanityOptions options = {});

  // Accepted and flagged quotes become the symbol's latest; rejected ones leave no trace.
  SanityResult check(const Quote& q, Timestamp now);

  // Forget per-symbol history (after a feed reconnects with a fresh snapshot).
  void reset() { last_.clear(); }

 private:
  struct Last {
    Timestamp ts;
    Price last;
    std::int64_t volume = -1;
    std::optional<Price> prev_close;
  };
  const InstrumentRegistry* registry_;
  SanityOptions options_;
  std::unordered_map<Symbol, Last> last_;
};

}  // namespace lodestone::feeds
