#pragma once
// Checks a quote must pass before it reaches the bus (issue #3 "Resilience"): each failure has a
// short reason, counted per feed. Pure: time comes in as an argument. Reusable by the daemon for
// quotes from any source, including the ingest endpoint.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "lodestone/core/calendar.hpp"
#include "lodestone/core/error_code.hpp"
#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/feeds/limit_check.hpp"

namespace lodestone::feeds {

enum class Verdict : std::uint8_t {
  Accept,
  Flag,    // passed on, but counted: a crossed book, an unknown instrument
  Reject,  // skipped and counted
};

struct SanityResult {
  Verdict verdict = Verdict::Accept;
  ErrorCode code = ErrorCode::duplicate;  // when not accepted: what it is counted by (outside_limit_band, …)
  std::string detail;
  // Whatever the verdict (once past the time checks): what the quote's name and the source's own
  // limit prices said (an ST change, a limit mismatch), for the owner to count and log.
  LimitFindings limits;
  // The counter label; empty when accepted.
  [[nodiscard]] std::string_view reason() const { return verdict == Verdict::Accept ? "" : to_string(code); }
};

// Lodestone's rules for order, time and the book (feeds/README.md "Sequence, time and book
// rules"; tests/feeds/bad_input_test.cpp):
// - time: later than now + max_future_ms is `future_timestamp`; dated neither today nor the
//   trading day whose prices are current is `stale`; older than the symbol's last accepted quote
//   is `out_of_order`. All rejected.
// - order: the same (time, last, volume) again is `duplicate`; cumulative volume going back
//   within a day is `out_of_order` (rejected), unless `volume_reset_after` quotes in a row agree
//   on the lower count, moving forward among themselves: that is the upstream's counters
//   restarting, `volume_reset` (flagged, delivered, the new count is the baseline). So a restart
//   costs a few rejected quotes per symbol, never a storm.
// - book, in continuous trading only (in the call auctions both sides show the indicative
//   price): bid > ask is `crossed_book` (rejected: the matching engine would have traded, so the
//   snapshot is inconsistent and its last price is not trusted either); bid == ask is
//   `locked_book` (flagged, delivered); a spread wider than `wide_spread_bp` of the mid is
//   `wide_spread` (flagged, delivered).
// - limits: a last price outside the day's band is `outside_limit_band` (rejected). The band is
//   the registry instrument's, with ST status as the quotes' names last gave it (limit_check.hpp);
//   the source's own limit prices are compared with it and a difference is reported in
//   SanityResult::limits, never counted as a verdict.
struct SanityOptions {
  std::int64_t max_future_ms = 60'000;  // clock skew tolerated before a time counts as the future
  bool reject_crossed = true;           // a crossed book in continuous trading is rejected, or only flagged
  std::int64_t wide_spread_bp = 1000;   // 10 % of the mid; 0 turns the check off
  int volume_reset_after = 3;
};

class QuoteSanity {
 public:
  // `registry` may be null (no limit-band check then).
  QuoteSanity(const InstrumentRegistry* registry, SanityOptions options = {});

  // Accepted and flagged quotes become the symbol's latest; rejected ones leave no trace
  // (except as votes towards a volume reset).
  SanityResult check(const Quote& q, Timestamp now);

  // Forget per-symbol history altogether.
  void reset() { last_.clear(); }
  // Forget the cumulative volumes but keep the times (after a reconnect, or an upstream that
  // restarted its sequence): a lower volume is then accepted, an older time still is not, so a
  // source replaying what it had cached never moves the board back.
  void rebase();

 private:
  struct Last {
    Timestamp ts;
    Price last;
    std::int64_t volume = -1;
    bool volume_trusted = true;  // false after rebase(): the next count, lower or not, is the baseline
    std::optional<Price> prev_close;
    // Quotes in a row that put the volume below `volume` (a possible upstream restart).
    int reset_votes = 0;
    std::int64_t reset_volume = -1;
    Timestamp reset_ts;
  };
  const InstrumentRegistry* registry_;
  SanityOptions options_;
  std::unordered_map<Symbol, Last> last_;
  LimitCheck limit_check_;  // ST from the names, kept across reset(): a reconnect renames nothing
};

}  // namespace lodestone::feeds
