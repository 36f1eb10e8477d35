#pragma once
// Daily price limits (涨跌停): limit = round_half_up(prev_close × (1 ± pct), tick), computed
// in integers as the exchanges' rules prescribe (SSE 3.3.17, SZSE 3.3.19).
#include <optional>

#include "lodestone/core/instrument.hpp"
#include "lodestone/core/price.hpp"
#include "lodestone/core/time.hpp"

namespace lodestone {

// Percent band for the instrument on that day; none for indexes, and none for a new listing's
// first trading days (Instrument::listed is day 1): five on the main board, ChiNext and STAR,
// the listing day only on the BSE (docs/market-data.md#price-limits).
// Main-board ST was ±5% until 2026-07-05 and is ±10% from 2026-07-06 (上证发〔2026〕41号).
std::optional<int> limit_pct(const Instrument& instrument, Date day);
// As above with ST status given apart from the instrument's: a source's name changes it during
// the day (issue #14), while the shared reference data stays as loaded.
std::optional<int> limit_pct(const Instrument& instrument, Date day, bool special_treatment);

struct PriceLimits {
  Price up;
  Price down;
};
std::optional<PriceLimits> price_limits(const Instrument& instrument, Price prev_close, Date day);
std::optional<PriceLimits> price_limits(const Instrument& instrument, Price prev_close, Date day,
                                        bool special_treatment);

enum class LimitState : std::uint8_t { None, LimitUp, LimitDown };
LimitState limit_state(const PriceLimits& limits, Price last);
std::string_view to_string(LimitState s);

}  // namespace lodestone
