#pragma once
// Sanity checks every event passes before it reaches the bus.
#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "lodestone/core/result.hpp"

namespace lodestone {

// Rejects non-positive prices, unknown symbols, and timestamps before 2000 or more than
// `max_future_ms` after `now` (clocks drift; feeds do not publish the future).
Status validate(const Quote& q, const InstrumentRegistry& registry, Timestamp now,
                std::int64_t max_future_ms = std::int64_t{5} * 60'000);
Status validate(const Headline& h, Timestamp now, std::int64_t max_future_ms = std::int64_t{5} * 60'000);

}  // namespace lodestone
