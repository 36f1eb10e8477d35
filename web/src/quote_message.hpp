#pragma once
// A quote as the board sends it: the canonical quote plus the day it belongs to and that day's
// price limits. A page left open across days, or opened before a name's first quote of the day,
// takes each quote's band from the quote itself, never from an older snapshot (issue #14).
#include <optional>
#include <string>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/limits.hpp"

namespace lodestone::web {

// The trading day whose prices the quote carries (before 09:15 and on closed days, the last
// trading day before: its prev_close is that day's reference).
Date quote_trading_day(const Quote& quote);

// The quote's own day's 涨停/跌停 prices, under the ST status its source's name gave; none for
// indexes, new listings, a symbol outside the registry and a quote without a previous close.
std::optional<PriceLimits> quote_limits(const Quote& quote, const Instrument* instrument, bool special_treatment);

// {"type":"quote",...canonical fields...,"trading_day":"2026-02-09","limit_up":22.01,"limit_down":18.01}
// with null limits where there is none (`limits` from quote_limits). Rendered once per quote,
// shared by every client. `instrument` may be null (a symbol outside the registry): 2 decimals.
std::string quote_message(const Quote& quote, const Instrument* instrument, const std::optional<PriceLimits>& limits);

}  // namespace lodestone::web
