#pragma once
// What the sources say about an instrument's daily limits, held against ours (issue #14):
// - ST follows the name: a source name starting with ST, *ST, S*ST or SST (spaces allowed) puts
//   the instrument under special treatment, a name without the prefix takes it out, whatever the
//   universe file said. Exchanges rename at the open of the day the status changes, so the name a
//   source prints is fresher than reference data edited by hand.
// - The source's own limit prices (Tencent 47/48, Eastmoney f51/f52) are compared with
//   price_limits(): a difference means our previous close or our band is wrong (an ex-rights day
//   adjusts the previous close), so it is reported, never used in place of ours.
// Pure and single-threaded: each owner (a feed's QuoteSanity, the ingest checks) keeps its own,
// so no shared reference data is written from a feed's thread.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/limits.hpp"
#include "lodestone/feeds/feed_status.hpp"

namespace lodestone::feeds {

// No A-share trades near 10 million CNY; a previous close above it is not computed into a band
// (price_limits multiplies it in 64-bit units, and a feed's 9e12 would overflow there).
inline constexpr std::int64_t kMaxBandPrevCloseUnits = 10'000'000LL * 10'000;

// True for an ST name ("ST中安", "*ST 天马", "S*ST前锋"), false for another name, none for an
// empty one (the source gave no name: nothing changes).
std::optional<bool> special_treatment_in_name(std::string_view name);

struct LimitMismatch {
  Price prev_close;  // what our band was computed from
  PriceLimits ours;
  std::optional<Price> source_up;
  std::optional<Price> source_down;
  bool first_today = false;  // the first for this symbol on this trading day: log it
};

// What one quote told the check.
struct LimitFindings {
  std::optional<bool> special_treatment;  // the name turned ST on (true) or off (false)
  std::optional<LimitMismatch> mismatch;  // the source's limits differ from ours
  std::optional<PriceLimits> ours;        // our band for the quote's day, when there is one
  bool prev_close_out_of_range = false;   // above kMaxBandPrevCloseUnits: no band, a bad price
};

class LimitCheck {
 public:
  // Takes ST status from `quote.name` (when the quote has one), computes our band for
  // `inst` (the registry's instrument, its ST flag overridden by the names seen) and compares the
  // source's limits with it. `prev_close` is the close the band is computed from (the quote's, or
  // the one remembered for its day).
  // Not thread-safe: one owner.
  LimitFindings observe(const Quote& quote, const Instrument& inst, std::optional<Price> prev_close, Date day);

  // The ST flag the names seen so far give the symbol; none when no name was seen.
  [[nodiscard]] std::optional<bool> special_treatment(const Symbol& symbol) const;

 private:
  std::unordered_map<Symbol, bool> special_treatment_;
  std::unordered_map<Symbol, Date> mismatch_logged_;  // the last day a mismatch was reported first
};

// What an owner does with one quote's findings: a mismatch is counted in `status` by symbol
// (every quote, for the rate), and the lines to log are returned: an ST change, and the first
// mismatch of the symbol's day with both bands (not one per quote: a wrong previous close
// would otherwise flood the log all day).
std::vector<std::string> account(const LimitFindings& found, const Quote& quote, FeedStatus& status);

}  // namespace lodestone::feeds
