#include "lodestone/core/limits.hpp"

#include <limits>

#include "lodestone/core/calendar.hpp"

namespace lodestone {
namespace {

// Trading days a new listing trades without a band, its listing day being day 1: five on the
// main board, ChiNext and STAR (registration-based IPOs), the listing day only on the BSE.
// Funds and indexes have no such days.
int unbanded_listing_days(Board board) {
  switch (board) {
    case Board::Main:
    case Board::ChiNext:
    case Board::Star:
      return 5;
    case Board::Bse:
      return 1;
    case Board::Fund:
    case Board::Index:
      return 0;
  }
  return 0;
}

// Whether `day` is one of the instrument's first trading days (or before it lists, when nothing
// trades and no band applies either).
bool in_listing_window(const Instrument& instrument, Date day) {
  if (!instrument.listed) return false;
  const int days = unbanded_listing_days(instrument.board);
  if (days == 0) return false;
  const Date listed = *instrument.listed;
  if (day < listed) return true;
  // Five trading days never span more than a month (the longest closure is nine days): a quick
  // answer for every established name.
  if (day.days - listed.days > 31) return false;
  const auto& calendar = TradingCalendar::shanghai();
  Date last = calendar.is_trading_day(listed) ? listed : calendar.next_trading_day(listed);
  for (int n = 1; n < days; ++n) last = calendar.next_trading_day(last);
  return day <= last;
}

}  // namespace

std::optional<int> limit_pct(const Instrument& instrument, Date day) {
  return limit_pct(instrument, day, instrument.special_treatment);
}

std::optional<int> limit_pct(const Instrument& instrument, Date day, bool special_treatment) {
  if (instrument.type == InstrumentType::Index) return std::nullopt;
  if (in_listing_window(instrument, day)) return std::nullopt;
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
      if (special_treatment && day < make_date(2026, 7, 6)) return 5;
      return 10;
  }
  return std::nullopt;
}

std::optional<PriceLimits> price_limits(const Instrument& instrument, Price prev_close, Date day) {
  return price_limits(instrument, prev_close, day, instrument.special_treatment);
}

std::optional<PriceLimits> price_limits(const Instrument& instrument, Price prev_close, Date day,
                                        bool special_treatment) {
  const auto pct = limit_pct(instrument, day, special_treatment);
  if (!pct || !prev_close.positive()) return std::nullopt;
  const std::int64_t tick = instrument.tick_units();
  // prev × (100 ± pct) / 100, rounded half-up to the tick: everything in integers, 128 bits wide
  // because a previous close is outside input (a garbled 9e12 once overflowed 64 bits); a band
  // that does not fit a price is no band.
  auto round_to_tick = [&](int percent) -> std::optional<Price> {
    const __int128 scaled_by_100 = static_cast<__int128>(prev_close.units()) * percent;
    const __int128 step = static_cast<__int128>(tick) * 100;
    const __int128 units = (scaled_by_100 + step / 2) / step * tick;
    if (units > std::numeric_limits<std::int64_t>::max()) return std::nullopt;
    return Price::from_units(static_cast<std::int64_t>(units));
  };
  const auto up = round_to_tick(100 + *pct);
  const auto down = round_to_tick(100 - *pct);
  if (!up || !down) return std::nullopt;
  return PriceLimits{*up, *down};
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
