#include "lodestone/core/limits.hpp"

namespace lodestone {

std::optional<int> limit_pct(const Instrument& instrument, Date day) {
  switch (instrument.board) {
    case Board::Index:
      return std::nullopt;
    case Board::ChiNext:
    case Board::Star:
      return 20;
    case Board::Bse:
      return 30;
    case Board::Fund:
      return 10;
    case Board::Main:
      if (instrument.special_treatment && day < make_date(2026, 7, 6)) return 5;
      return 10;
  }
  return std::nullopt;
}

std::optional<PriceLimits> price_limits(const Instrument& instrument, Price prev_close, Date day) {
  const auto pct = limit_pct(instrument, day);
  if (!pct || !prev_close.positive()) return std::nullopt;
  const std::int64_t tick = instrument.tick_units();
  // prev × (100 ± pct) / 100, rounded half-up to the tick: everything in integers.
  auto round_to_tick = [&](std::int64_t scaled_by_100) {
    const std::int64_t step = tick * 100;
    return Price::from_units((scaled_by_100 + step / 2) / step * tick);
  };
  return PriceLimits{round_to_tick(prev_close.units() * (100 + *pct)),
                     round_to_tick(prev_close.units() * (100 - *pct))};
}

LimitState limit_state(const PriceLimits& limits, Price last) {
  if (last >= limits.up) return LimitState::LimitUp;
  if (last <= limits.down) return LimitState::LimitDown;
  return LimitState::None;
}

std::string_view to_string(LimitState s) {
  switch (s) {
    case LimitState::None:
      return "none";
    case LimitState::LimitUp:
      return "limit_up";
    case LimitState::LimitDown:
      return "limit_down";
  }
  return "?";
}

}  // namespace lodestone
