#pragma once
// One instrument's quotes for one trading day: a random bridge through the scripted anchors,
// in whole ticks, inside the daily limit band, with cumulative volume and turnover.
#include <cstdint>
#include <vector>

#include "lodestone/core/events.hpp"
#include "lodestone/core/instrument.hpp"
#include "scenario.hpp"

namespace lodestone::tapegen {

struct DayPlan {
  Instrument instrument;
  Date day;
  Price prev_close;
  std::vector<Anchor> anchors;     // must include 09:25 and, unless sealed at limit-up, 15:00
  std::int64_t band_centipct = 0;  // no price further than this from prev_close (0: limit band only)
  bool high_at_anchor = false;
  std::int64_t step_ppm = 0;
  std::int64_t noise_pct = 100;
  std::int64_t daily_shares = 0;  // an ordinary day's volume
  std::int64_t volume_pct = 100;
  std::optional<Price> index_share_price;  // indexes: turnover per share of volume
  std::int64_t ts_offset_ms = 0;           // where in each minute this instrument's snapshot lands
  std::uint64_t seed = 0;
};

// Throws std::logic_error when the plan contradicts itself (an anchor outside the band, or a
// figure marked exact that no tick price shows): the scenario table is then wrong.
std::vector<Quote> synthesize_day(const DayPlan& plan);

// The tick price whose change from prev_close is `centipct`, preferring one that shows the
// figure exactly; nullopt when `exact` and no tick does.
std::optional<Price> price_for_change(const Instrument& instrument, Price prev_close, std::int64_t centipct,
                                      bool exact);

}  // namespace lodestone::tapegen
