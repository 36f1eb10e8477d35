// Triggers, evaluated on each quote of a watched symbol.
#include <algorithm>

#include "engine_state.hpp"
#include "ratios.hpp"

namespace lodestone::rules {

using detail::Firing;
using detail::kNone;
using detail::PathSource;
using detail::SymbolState;
using detail::Track;
using detail::Watch;

namespace {

std::string window_text(const MoveCondition& m) {
  return m.reference == Reference::Window ? format_duration(m.window_ms) : std::string(to_string(m.reference));
}

int decimals_of(const SymbolState& st) { return st.instrument ? st.instrument->price_decimals() : 2; }

}  // namespace

void Engine::State::evaluate(SymbolState& st, const Watch& w) {
  const Rule& r = rules->rules[w.rule];
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, MoveCondition>) eval_move(st, w, c);
        if constexpr (std::is_same_v<T, LevelCondition>) eval_level(st, w, c);
        if constexpr (std::is_same_v<T, LimitCondition>) eval_limit(st, w, c);
        if constexpr (std::is_same_v<T, VolumeCondition>) eval_volume(st, w, c);
        if constexpr (std::is_same_v<T, BreadthCondition>) eval_breadth(st, w, c);
      },
      r.trigger);
}

std::optional<std::int64_t> Engine::State::change_of(SymbolState& st, const MoveCondition& m, std::uint32_t cursor,
                                                     Price* from) {
  if (!st.has_quote) return std::nullopt;
  Price ref;
  switch (m.reference) {
    case Reference::Window:
      ref = st.series.at_or_before(st.last_clock - m.window_ms, st.cursors[cursor].position).price;
      break;
    case Reference::PrevClose:
      if (!st.prev_close) return std::nullopt;
      ref = *st.prev_close;
      break;
    case Reference::Open:
      if (!st.open) return std::nullopt;
      ref = *st.open;
      break;
  }
  if (!ref.positive()) return std::nullopt;
  *from = ref;
  return detail::change_centipct(ref, st.last);
}

std::optional<MoveEvidence> Engine::State::day_evidence(const SymbolState& st) const {
  if (!st.prev_close || !st.prev_close->positive()) return std::nullopt;
  return MoveEvidence{
      *st.prev_close,  st.last, detail::change_centipct(*st.prev_close, st.last), "prev_close", std::nullopt,
      decimals_of(st), {}};
}

PathSource Engine::State::path_of(const SymbolState& st, std::int64_t from_clock) const {
  return PathSource{static_cast<std::uint32_t>(&st - symbols.data()), from_clock, false};
}

PathSource Engine::State::day_path_of(const SymbolState& st) const {
  return PathSource{static_cast<std::uint32_t>(&st - symbols.data()), 0, true};
}

// A sliding window's path starts N trading minutes back; a change from the previous close or
// the open is the day's.
PathSource Engine::State::path_of(const SymbolState& st, const MoveCondition& m) const {
  return m.reference == Reference::Window ? path_of(st, st.last_clock - m.window_ms) : day_path_of(st);
}

void Engine::State::eval_move(SymbolState& st, const Watch& w, const MoveCondition& m) {
  Track& t = rule_states[w.rule].tracks[w.track];
  Price from;
  const auto change = change_of(st, m, w.cursor, &from);
  bool holds = change && (!m.change || m.change->holds(*change));
  std::optional<std::int64_t> abnormal;
  if (holds && m.abnormal) {
    holds = false;
    if (w.bench != kNone) {
      Price bench_from;
      if (auto bench = change_of(symbols[w.bench], m, w.bench_cursor, &bench_from)) {
        abnormal = *change - *bench;
        holds = m.abnormal->holds(*abnormal);
      }
    }
  }
  if (!holds && !t.active) return;  // the common case: nothing to do
  Firing f;
  f.ts = st.last_ts;
  f.clock = st.last_clock;
  if (change) f.evidence = MoveEvidence{from, st.last, *change, window_text(m), abnormal, decimals_of(st), {}};
  f.path = path_of(st, m);
  if (w.bench != kNone) f.facts.benchmark = symbols[w.bench].symbol;
  set_condition(w.rule, w.track, holds, std::move(f));
}

void Engine::State::eval_level(SymbolState& st, const Watch& w, const LevelCondition& c) {
  Track& t = rule_states[w.rule].tracks[w.track];
  const Price last = st.last;
  const std::optional<Price> prev = t.prev_price;
  t.prev_price = last;
  auto firing = [&] {
    Firing f;
    f.ts = st.last_ts;
    f.clock = st.last_clock;
    f.evidence = day_evidence(st);
    f.path = day_path_of(st);
    f.facts.last = last;
    if (c.kind == LevelKind::Above || c.kind == LevelKind::Below || c.kind == LevelKind::Cross) {
      f.facts.level = c.level;
    } else {
      f.facts.level = c.low;
      f.facts.level_high = c.high;
    }
    return f;
  };
  switch (c.kind) {
    case LevelKind::Above:
    case LevelKind::Below: {
      const bool holds = c.kind == LevelKind::Above ? last >= c.level : last <= c.level;
      if (holds || t.active) set_condition(w.rule, w.track, holds, firing());
      return;
    }
    case LevelKind::Cross: {
      if (!prev) return;
      const bool up = *prev < c.level && last >= c.level;
      const bool down = *prev > c.level && last <= c.level;
      const bool wanted = (up && c.direction != CrossDirection::Down) || (down && c.direction != CrossDirection::Up);
      if (wanted) trigger_event(w.rule, w.track, firing());
      return;
    }
    case LevelKind::BandEnter:
    case LevelKind::BandExit:
    case LevelKind::BandEither: {
      if (!prev) return;
      auto inside = [&](Price p) { return c.low <= p && p <= c.high; };
      const bool entered = !inside(*prev) && inside(last);
      const bool left = inside(*prev) && !inside(last);
      if ((entered && c.kind != LevelKind::BandExit) || (left && c.kind != LevelKind::BandEnter))
        trigger_event(w.rule, w.track, firing());
      return;
    }
  }
}

void Engine::State::eval_limit(SymbolState& st, const Watch& w, const LimitCondition& c) {
  if (!st.limits) return;  // indexes have no limits; nothing is known before a prev_close
  Track& t = rule_states[w.rule].tracks[w.track];
  const PriceLimits& lim = *st.limits;
  const bool up = st.last >= lim.up;
  const bool down = st.last <= lim.down;
  const bool at = c.side == LimitSide::Up ? up : c.side == LimitSide::Down ? down : (up || down);
  // Sealed on the book: buyers queued at limit-up with no one selling (or the mirror image).
  const bool book_sealed = up ? (st.bid && *st.bid == lim.up && (!st.ask || !st.ask->positive()))
                              : (st.ask && *st.ask == lim.down && (!st.bid || !st.bid->positive()));
  auto firing = [&](bool up_side) {
    Firing f;
    f.ts = st.last_ts;
    f.clock = st.last_clock;
    f.evidence = day_evidence(st);
    f.path = day_path_of(st);
    f.facts.last = st.last;
    f.facts.limit = up_side ? lim.up : lim.down;
    return f;
  };
  auto leave = [&] {
    const bool was_sealed = t.sealed;
    const bool side = t.limit_up_side;
    t.at_limit = false;
    t.sealed = false;
    if (c.stage == LimitStage::Opened && was_sealed) trigger_event(w.rule, w.track, firing(side));
  };
  if (t.at_limit && (!at || t.limit_up_side != up)) leave();
  if (at && !t.at_limit) {
    t.at_limit = true;
    t.limit_up_side = up;
    t.sealed = book_sealed || c.seal_ms == 0;
    t.limit_since_clock = st.last_clock;
  } else if (at && !t.sealed && (book_sealed || st.last_clock - t.limit_since_clock >= c.seal_ms)) {
    t.sealed = true;
  }
  if (c.stage == LimitStage::Opened) return;
  const bool holds = c.stage == LimitStage::Touched ? t.at_limit : t.at_limit && t.sealed;
  if (holds || t.active) set_condition(w.rule, w.track, holds, firing(t.at_limit ? t.limit_up_side : up));
}

void Engine::State::eval_volume(SymbolState& st, const Watch& w, const VolumeCondition& c) {
  Track& t = rule_states[w.rule].tracks[w.track];
  bool holds = false;
  std::optional<std::int64_t> ratio;
  const detail::Tick& now = st.series.last();
  const detail::Tick& start = st.series.at_or_before(now.clock - c.window_ms, st.cursors[w.cursor].position);
  // The baseline is today's trading only: the first minutes after the open trade several
  // times the pace of yesterday's afternoon on an ordinary day.
  const detail::Tick& base = st.series.at_or_before(
      std::max(now.clock - c.window_ms - c.baseline_ms, st.day_open_clock), st.cursors[w.cursor2].position);
  const std::int64_t span = start.clock - base.clock;
  const std::int64_t in_window = now.volume - start.volume;
  const std::int64_t in_baseline = start.volume - base.volume;
  // A baseline needs at least half its length of history, and some volume, to mean anything;
  // the window starts at the open at the earliest (the opening auction's volume is not a spike).
  const bool window_in_today = now.clock - c.window_ms >= st.day_open_clock;
  if (window_in_today && span * 2 >= c.baseline_ms && in_baseline > 0 && in_window >= 0) {
    ratio = detail::volume_ratio_hundredths(in_window, span, in_baseline, c.window_ms);
    holds = c.ratio.holds(*ratio);
  }
  if (!holds && !t.active) return;
  Firing f;
  f.ts = st.last_ts;
  f.clock = st.last_clock;
  if (start.price.positive())
    f.evidence = MoveEvidence{start.price,
                              st.last,
                              detail::change_centipct(start.price, st.last),
                              format_duration(c.window_ms),
                              std::nullopt,
                              decimals_of(st),
                              {}};
  f.path = path_of(st, now.clock - c.window_ms);
  f.facts.volume_ratio = ratio;
  set_condition(w.rule, w.track, holds, std::move(f));
}

void Engine::State::eval_breadth(SymbolState& st, const Watch& w, const BreadthCondition& c) {
  Track& t = rule_states[w.rule].tracks[w.track];
  Price from;
  const auto change = change_of(st, c.move, w.cursor, &from);
  bool holds = change && (!c.move.change || c.move.change->holds(*change));
  std::optional<std::int64_t> abnormal;
  if (holds && c.move.abnormal) {
    holds = false;
    Price bench_from;
    if (w.bench != kNone)
      if (auto bench = change_of(symbols[w.bench], c.move, w.bench_cursor, &bench_from)) {
        abnormal = *change - *bench;
        holds = c.move.abnormal->holds(*abnormal);
      }
  }
  if (change && (holds || t.active)) {
    t.evidence = MoveEvidence{from, st.last, *change, window_text(c.move), abnormal, decimals_of(st), {}};
    t.path = path_of(st, c.move);
  }
  set_member(w.rule, w.track, holds, st.last_ts, st.last_clock);
}

void Engine::State::set_member(std::uint32_t rule, std::uint32_t track, bool holds, Timestamp ts,
                               std::int64_t now_clock) {
  detail::RuleState& rs = rule_states[rule];
  Track& t = rs.tracks[track];
  if (holds != t.active) {
    t.active = holds;
    if (holds)
      ++rs.breadth_count;
    else
      --rs.breadth_count;
  }
  const Rule& r = rules->rules[rule];
  const auto& b = std::get<BreadthCondition>(r.trigger);
  const auto group_track = static_cast<std::uint32_t>(rs.tracks.size() - 1);
  const bool group_holds = rs.breadth_count >= b.min_count;
  if (!group_holds && !rs.tracks[group_track].active) return;
  Firing f;
  f.ts = ts;
  f.clock = now_clock;
  f.facts.count = rs.breadth_count;
  f.facts.total = r.symbols.size();
  for (std::size_t i = 0; i < r.symbols.size(); ++i)
    if (rs.tracks[i].active) f.facts.symbols.push_back(r.symbols[i]);
  // The group's evidence is its biggest mover's.
  for (std::size_t i = 0; i < r.symbols.size(); ++i) {
    const auto& e = rs.tracks[i].evidence;
    if (!rs.tracks[i].active || !e) continue;
    const auto mag = [](std::int64_t v) { return v < 0 ? -v : v; };
    if (!f.evidence || mag(e->change_centipct) > mag(f.evidence->change_centipct)) {
      f.evidence = e;
      f.path = rs.tracks[i].path;
    }
  }
  set_condition(rule, group_track, group_holds, std::move(f));
}

void Engine::State::set_condition(std::uint32_t rule, std::uint32_t track, bool holds, Firing f) {
  Track& t = rule_states[rule].tracks[track];
  if (holds) {
    if (!t.active) {
      t.active = true;
      t.since = f.ts;
      t.since_clock = f.clock;
      t.evidence = f.evidence;
      t.path = f.path;
      t.facts = f.facts;
      condition_started(rule, track, f);
      return;
    }
    t.evidence = std::move(f.evidence);
    t.path = f.path;
    t.facts = std::move(f.facts);
    if (!t.episodes.empty() && t.episodes.back().end_clock == detail::kOngoing) {
      t.episodes.back().evidence = t.evidence;
      t.episodes.back().path = t.path;
      t.episodes.back().facts = t.facts;
    }
    // Keep the firing alerts' evidence current (no notification: the move goes on).
    for (const auto& fp : t.live) {
      auto it = live.find(fp);
      if (it == live.end() || !it->second.condition_bound) continue;
      it->second.alert.move = t.evidence;
      it->second.path = t.path;
      it->second.facts = t.facts;
    }
  } else if (t.active) {
    t.active = false;
    condition_ended(rule, track, f.ts, f.clock);
  }
}

void Engine::State::trigger_event(std::uint32_t rule, std::uint32_t track, Firing f) {
  f.one_off = true;
  const Rule& r = rules->rules[rule];
  if (r.correlates()) {
    Track& t = rule_states[rule].tracks[track];
    t.episodes.push_back({f.clock, f.clock, f.ts, f.evidence, f.facts, f.path});
    correlate_onset(rule, track, f);
    return;
  }
  fire(rule, track, "", f.ts.ms, f, {});
}

void Engine::State::condition_started(std::uint32_t rule, std::uint32_t track, const Firing& f) {
  const Rule& r = rules->rules[rule];
  Track& t = rule_states[rule].tracks[track];
  // Within keep_firing_for, a condition that comes back continues the alert it had.
  bool continued = false;
  for (const auto& fp : t.live) {
    auto it = live.find(fp);
    if (it != live.end() && it->second.resolve_pending_at) {
      it->second.resolve_pending_at.reset();
      continued = true;
    }
  }
  if (r.correlates()) {
    const std::int64_t horizon = f.clock - r.within_ms - rules->settings.allowed_lateness_ms;
    while (!t.episodes.empty() && t.episodes.front().end_clock < horizon) t.episodes.pop_front();
    t.episodes.push_back({f.clock, detail::kOngoing, f.ts, f.evidence, f.facts, f.path});
    if (!continued) correlate_onset(rule, track, f);
    return;
  }
  if (!continued) fire(rule, track, "", f.ts.ms, f, {});
}

void Engine::State::condition_ended(std::uint32_t rule, std::uint32_t track, Timestamp ts, std::int64_t clock_now) {
  const Rule& r = rules->rules[rule];
  Track& t = rule_states[rule].tracks[track];
  if (!t.episodes.empty() && t.episodes.back().end_clock == detail::kOngoing) t.episodes.back().end_clock = clock_now;
  const std::vector<std::string> fps = t.live;
  for (const auto& fp : fps) {
    auto it = live.find(fp);
    if (it == live.end() || !it->second.condition_bound) continue;
    detail::LiveAlert& a = it->second;
    // An unexplained move is judged on the move it saw, not on how long it lasted.
    if (a.hold == detail::Hold::AwaitingExplanation) continue;
    if (r.keep_firing_ms > 0) {
      a.resolve_pending_at = Timestamp{ts.ms + r.keep_firing_ms};
      schedule(*a.resolve_pending_at, fp);
    } else {
      resolve(fp, "condition", ts);
    }
  }
}

}  // namespace lodestone::rules
