#include "day_path.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "grid.hpp"
#include "lodestone/core/limits.hpp"
#include "splitmix.hpp"

namespace lodestone::tapegen {
namespace {

constexpr std::int64_t kPpm = 1'000'000;
constexpr std::int64_t kLot = 100;

std::int64_t round_to_tick(std::int64_t units, std::int64_t tick) { return (units + tick / 2) / tick * tick; }
std::int64_t floor_to_tick(std::int64_t units, std::int64_t tick) { return units / tick * tick; }
std::int64_t ceil_to_tick(std::int64_t units, std::int64_t tick) { return (units + tick - 1) / tick * tick; }

// Relative weight of each snapshot's volume: busy first half hour, busy last hour, the
// closing auction prints in one lump, nothing matches 14:58-14:59.
std::int64_t volume_weight(int index) {
  if (index == kOpenIndex) return 40;
  if (index == kCloseIndex) return 45;
  if (in_closing_auction(index)) return 0;
  const int minute = grid_minute(index);
  if (minute == 9 * 60 + 30 || minute == 13 * 60) return 5;  // the snapshot lands seconds into the session
  if (minute < 12 * 60) {
    const int since_open = minute - (9 * 60 + 31);
    return 12 + std::max(0, 30 - since_open);
  }
  const int since_lunch = minute - (13 * 60 + 1);
  return 10 + (since_lunch > 86 ? (since_lunch - 86) / 3 : 0);
}

std::int64_t total_volume_weight() {
  std::int64_t sum = 0;
  for (int i = 0; i < kGridPoints; ++i) sum += volume_weight(i);
  return sum;
}

// A walk that crosses a bound is mirrored back inside it rather than pinned to it, so a capped
// day keeps moving instead of printing the same price for half an hour.
std::int64_t fold_into(std::int64_t units, std::int64_t lo, std::int64_t hi) {
  if (units > hi) units = hi - (units - hi);
  if (units < lo) units = lo + (lo - units);
  return std::clamp(units, lo, hi);
}

[[noreturn]] void inconsistent(const DayPlan& plan, const std::string& what) {
  throw std::logic_error(plan.instrument.symbol.str() + " " + format_date(plan.day) + ": " + what);
}

struct ResolvedAnchor {
  int index;
  std::int64_t units;
};

}  // namespace

std::optional<Price> price_for_change(const Instrument& instrument, Price prev_close, std::int64_t centipct,
                                      bool exact) {
  const std::int64_t tick = instrument.tick_units();
  const std::int64_t target = round_to_tick(prev_close.units() * (10'000 + centipct) / 10'000, tick);
  for (std::int64_t distance = 0; distance <= 2; ++distance) {
    for (std::int64_t sign : {-1, 1}) {
      const auto candidate = Price::from_units(target + sign * distance * tick);
      if (change_centipct(prev_close, candidate) == centipct) return candidate;
    }
  }
  if (exact) return std::nullopt;
  return Price::from_units(target);
}

std::vector<Quote> synthesize_day(const DayPlan& plan) {
  const Instrument& inst = plan.instrument;
  const std::int64_t tick = inst.tick_units();
  const std::int64_t prev = plan.prev_close.units();
  const auto limits = price_limits(inst, plan.prev_close, plan.day);

  std::int64_t lo = limits ? limits->down.units() + tick : tick;
  std::int64_t hi = limits ? limits->up.units() - tick : std::numeric_limits<std::int64_t>::max();
  if (plan.band_centipct > 0) {
    lo = std::max(lo, ceil_to_tick(prev * (10'000 - plan.band_centipct) / 10'000, tick));
    hi = std::min(hi, floor_to_tick(prev * (10'000 + plan.band_centipct) / 10'000, tick));
  }

  std::vector<ResolvedAnchor> anchors;
  int sealed_from = kGridPoints;
  for (const Anchor& a : plan.anchors) {
    const int index = grid_index(a.time);
    if (index < 0 || in_closing_auction(index))
      inconsistent(plan, "anchor time " + std::string(a.time) + " is not a matching time");
    if (!anchors.empty() && index <= anchors.back().index)
      inconsistent(plan, "anchors out of order at " + std::string(a.time));
    if (sealed_from < kGridPoints) inconsistent(plan, "anchor after the limit-up seal");
    std::int64_t units = 0;
    switch (a.kind) {
      case AnchorKind::Change: {
        const auto p = price_for_change(inst, plan.prev_close, a.value, a.exact);
        if (!p) inconsistent(plan, "no tick price shows " + format_centipct(a.value) + "% at " + std::string(a.time));
        units = p->units();
        break;
      }
      case AnchorKind::Price: {
        const auto p = Price::parse(a.price);
        if (!p || p->units() % tick != 0) inconsistent(plan, "bad anchor price " + std::string(a.price));
        units = p->units();
        break;
      }
      case AnchorKind::LimitUp:
        if (!limits) inconsistent(plan, "no limit band to seal at");
        units = limits->up.units();
        sealed_from = index;
        break;
    }
    if (a.kind != AnchorKind::LimitUp && (units < lo || units > hi))
      inconsistent(plan, "anchor at " + std::string(a.time) + " is outside the day's band");
    anchors.push_back({index, units});
  }
  if (anchors.empty() || anchors.front().index != kOpenIndex) inconsistent(plan, "no 09:25 anchor");
  if (sealed_from < kGridPoints) {
    anchors.push_back({kCloseIndex, limits->up.units()});
  } else if (anchors.back().index != kCloseIndex) {
    inconsistent(plan, "no 15:00 anchor");
  }
  if (plan.high_at_anchor) {
    std::int64_t top = 0;
    for (const auto& a : anchors) top = std::max(top, a.units);
    hi = std::min(hi, top);
  }

  // A random walk in millionths of prev_close; each stretch between anchors becomes a bridge
  // (the walk minus its straight line), so every anchor is hit exactly.
  SplitMix64 walk_rng(plan.seed);
  const std::int64_t step = std::max<std::int64_t>(1, plan.step_ppm * plan.noise_pct / 100);
  std::vector<std::int64_t> walk(kGridPoints, 0);
  for (int i = 1; i < kGridPoints; ++i) walk[i] = walk[i - 1] + walk_rng.uniform(-step, step);

  std::vector<std::int64_t> path(kGridPoints, 0);
  std::size_t seg = 0;
  for (int i = 0; i < kGridPoints; ++i) {
    while (seg + 1 < anchors.size() && anchors[seg + 1].index < i) ++seg;
    const ResolvedAnchor& a = anchors[seg];
    if (i == a.index || seg + 1 == anchors.size()) {
      path[i] = a.units;
      continue;
    }
    const ResolvedAnchor& b = anchors[seg + 1];
    const std::int64_t span = b.index - a.index;
    const std::int64_t t = i - a.index;
    const std::int64_t line = a.units + (b.units - a.units) * t / span;
    const std::int64_t bridge_ppm = (walk[i] - walk[a.index]) - (walk[b.index] - walk[a.index]) * t / span;
    path[i] = fold_into(round_to_tick(line + prev * bridge_ppm / kPpm, tick), lo, hi);
    if (i == b.index) path[i] = b.units;
  }
  for (int i = sealed_from; i < kGridPoints; ++i) path[i] = limits->up.units();
  for (int i = kLastMatchedIndex + 1; i < kCloseIndex; ++i) path[i] = path[kLastMatchedIndex];

  SplitMix64 volume_rng(plan.seed ^ 0x5DEECE66DULL);
  SplitMix64 side_rng(plan.seed ^ 0xA5A5A5A5A5A5A5A5ULL);
  const std::int64_t weights = total_volume_weight();
  std::vector<Quote> quotes;
  quotes.reserve(kGridPoints);
  std::int64_t volume = 0;
  std::int64_t turnover = 0;
  std::int64_t high = path[0];
  std::int64_t low = path[0];
  for (int i = 0; i < kGridPoints; ++i) {
    const std::int64_t last = path[i];
    high = std::max(high, last);
    low = std::min(low, last);
    std::int64_t traded =
        plan.daily_shares / 100 * plan.volume_pct / 100 * volume_weight(i) / weights * volume_rng.uniform(70, 130);
    if (i > sealed_from) traded = traded * 15 / 100;  // sealed: only the queue at the limit trades
    traded = traded / kLot * kLot;
    volume += traded;
    turnover += traded * (plan.index_share_price ? plan.index_share_price->units() : last);

    Quote q;
    q.symbol = inst.symbol;
    q.ts = Timestamp{grid_time(plan.day, i).ms + plan.ts_offset_ms};
    q.last = Price::from_units(last);
    q.prev_close = plan.prev_close;
    q.open = Price::from_units(path[0]);
    q.high = Price::from_units(high);
    q.low = Price::from_units(low);
    q.volume = volume;
    q.turnover = Price::from_units(turnover);
    if (limits) {
      const bool bid_below = side_rng.next() & 1U;
      if (last >= limits->up.units()) {
        q.bid = Price::from_units(last);  // sealed: buyers queue at the limit, no one offers
      } else if (last <= limits->down.units()) {
        q.ask = Price::from_units(last);
      } else if (bid_below) {
        q.bid = Price::from_units(last - tick);
        q.ask = Price::from_units(last);
      } else {
        q.bid = Price::from_units(last);
        q.ask = Price::from_units(last + tick);
      }
    }
    quotes.push_back(q);
  }
  return quotes;
}

}  // namespace lodestone::tapegen
