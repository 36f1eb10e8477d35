#include "tape_builder.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "day_path.hpp"
#include "grid.hpp"
#include "lodestone/core/calendar.hpp"
#include "lodestone/core/json_writer.hpp"
#include "lodestone/core/validate.hpp"
#include "scenario.hpp"
#include "splitmix.hpp"

namespace lodestone::tapegen {
namespace {

constexpr std::int64_t kQuietCloseLimit = 120;  // quiet closes stay well inside the quiet band

template <class T>
T must(Result<T> r, const std::string& what) {
  if (!r) throw std::logic_error(what + ": " + r.error().message);
  return std::move(*r);
}

struct QuietMoves {
  std::int64_t open;
  std::int64_t close;
};

// Quiet days: the sector drifts together, the ETFs follow the index within a few basis
// points, single stocks scatter around it, CSI 300 moves half as much.
QuietMoves quiet_moves(const Instrument& inst, const DaySpec& day, std::int64_t sector_move, SplitMix64& rng) {
  std::int64_t close = sector_move;
  if (inst.symbol.str() == "000300.SH") {
    close = day.drift_centipct / 2 + rng.uniform(-20, 20);
  } else if (inst.type == InstrumentType::Etf) {
    close += rng.uniform(-8, 8);
  } else if (inst.type == InstrumentType::Stock) {
    close += rng.uniform(-70, 70);
  }
  close = std::clamp(close, -kQuietCloseLimit, kQuietCloseLimit);
  const std::int64_t open = std::clamp(close / 3 + rng.uniform(-25, 25), -kQuietCloseLimit, kQuietCloseLimit);
  return {open, close};
}

const Script* find_script(std::string_view day, std::string_view symbol) {
  for (const Script& s : scripts())
    if (s.day == day && s.symbol == symbol) return &s;
  return nullptr;
}

std::vector<Anchor> anchors_for(const Script* script, const QuietMoves& quiet) {
  std::vector<Anchor> anchors;
  if (script) anchors = script->anchors;
  const bool has_open = !anchors.empty() && anchors.front().time == "09:25";
  const bool sealed =
      std::any_of(anchors.begin(), anchors.end(), [](const Anchor& a) { return a.kind == AnchorKind::LimitUp; });
  const bool has_close = !anchors.empty() && anchors.back().time == "15:00";
  if (!has_open) anchors.insert(anchors.begin(), Anchor{"09:25", AnchorKind::Change, quiet.open, {}, false});
  if (!has_close && !sealed) anchors.push_back(Anchor{"15:00", AnchorKind::Change, quiet.close, {}, false});
  return anchors;
}

}  // namespace

std::vector<TapeLine> build_tape(const std::vector<Headline>& headlines) {
  const auto& specs = instrument_specs();
  InstrumentRegistry registry;
  std::vector<Price> prev_close;
  for (const InstrumentSpec& spec : specs) {
    registry.add(instrument_from_code(must(Symbol::parse(spec.symbol), "instrument table")));
    prev_close.push_back(must(Price::parse(spec.base_close), std::string(spec.symbol) + " base close"));
  }
  for (const Script& s : scripts())
    if (!registry.find(must(Symbol::parse(s.symbol), "script")))
      throw std::logic_error("script for unknown " + std::string(s.symbol));

  std::vector<TapeLine> lines;
  const auto& calendar = TradingCalendar::shanghai();
  for (const DaySpec& day_spec : day_specs()) {
    const Date day = must(parse_date(day_spec.date), "day table");
    if (!calendar.is_trading_day(day)) throw std::logic_error(std::string(day_spec.date) + " is not a trading day");
    SplitMix64 day_rng(fnv1a(day_spec.date));
    const std::int64_t sector_move = day_spec.drift_centipct + day_rng.uniform(-30, 30);

    for (std::size_t i = 0; i < specs.size(); ++i) {
      const InstrumentSpec& spec = specs[i];
      const Instrument& inst = registry.all()[i];
      const std::uint64_t seed = fnv1a(spec.symbol) ^ (static_cast<std::uint64_t>(day.days) * 0x9E3779B97F4A7C15ULL);
      SplitMix64 quiet_rng(seed ^ 0x0123456789ABCDEFULL);
      const QuietMoves quiet = quiet_moves(inst, day_spec, sector_move, quiet_rng);
      const Script* script = find_script(day_spec.date, spec.symbol);
      if (!day_spec.quiet && !script)
        throw std::logic_error(std::string(spec.symbol) + " has no script for " + std::string(day_spec.date));

      DayPlan plan;
      plan.instrument = inst;
      plan.day = day;
      plan.prev_close = prev_close[i];
      plan.anchors = anchors_for(script, quiet);
      plan.band_centipct = day_spec.quiet ? kQuietBandCentipct : spec.max_move_centipct;
      plan.high_at_anchor = script && script->high_at_anchor;
      plan.step_ppm = spec.step_ppm;
      plan.noise_pct = day_spec.noise_pct;
      plan.volume_pct = day_spec.volume_pct;
      if (inst.type == InstrumentType::Index) {
        plan.index_share_price = must(Price::parse(spec.index_share_price), std::string(spec.symbol) + " share price");
        plan.daily_shares = spec.turnover_cny * Price::kScale / plan.index_share_price->units();
      } else {
        plan.daily_shares = spec.turnover_cny * Price::kScale / plan.prev_close.units();
      }
      plan.ts_offset_ms = 150 + 97 * static_cast<std::int64_t>(i);
      plan.seed = seed;

      const std::vector<Quote> quotes = synthesize_day(plan);
      for (const Quote& q : quotes) {
        if (auto st = validate(q, registry, q.ts); !st) throw std::logic_error("invalid quote: " + st.error().message);
        lines.push_back({q.ts, q.symbol, to_json(q, inst.price_decimals())});
      }
      prev_close[i] = quotes.back().last;
    }
  }

  for (const Headline& h : headlines) {
    if (auto st = validate(h, h.ts); !st)
      throw std::logic_error("invalid headline " + h.id + ": " + st.error().message);
    lines.push_back({h.ts, std::nullopt, to_json(h)});
  }
  std::stable_sort(lines.begin(), lines.end(), [](const TapeLine& a, const TapeLine& b) { return a.ts < b.ts; });
  return lines;
}

}  // namespace lodestone::tapegen
