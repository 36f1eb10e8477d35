#include "lodestone/app/ingest_checks.hpp"

#include "lodestone/core/validate.hpp"

namespace lodestone::app {

IngestChecks::IngestChecks(const InstrumentRegistry& registry, feeds::FeedStatus& status, bool event_time)
    : registry_(registry), status_(status), event_time_(event_time), sanity_(&registry) {}

IngestVerdict IngestChecks::check(const Quote& quote, Timestamp now) {
  IngestVerdict v;
  // The bus checks again when it takes the quote; checked here first, its codes (far_past,
  // unknown_symbol, …) stay what a refused line is counted under.
  if (auto st = validate(quote, registry_, now); !st) {
    v.status = std::move(st);
    return v;
  }
  std::lock_guard lock(mutex_);
  const feeds::SanityResult r = sanity_.check(quote, event_time_ ? quote.ts : now);
  v.log = feeds::account(r.limits, quote, status_);
  if (r.verdict == feeds::Verdict::Reject) {
    v.status = make_error(r.code, std::string(r.reason()) + ": " + quote.symbol.str() + ": " + r.detail);
  } else if (r.verdict == feeds::Verdict::Flag) {
    v.flag = r.code;
  }
  return v;
}

}  // namespace lodestone::app
