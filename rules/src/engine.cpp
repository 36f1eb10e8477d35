// The engine's frame: reloads, quotes, the watermark and the timers.
#include <algorithm>

#include "engine_state.hpp"
#include "lodestone/feeds/limit_check.hpp"

namespace lodestone::rules {

using detail::kNone;

std::uint32_t detail::SymbolState::cursor_for(std::int64_t lookback_ms) {
  for (std::uint32_t i = 0; i < cursors.size(); ++i)
    if (cursors[i].lookback_ms == lookback_ms) return i;
  cursors.push_back({lookback_ms, 0});
  return static_cast<std::uint32_t>(cursors.size() - 1);
}

Engine::State::State(const InstrumentRegistry& r, const TradingCalendar& calendar) : registry(r), clock(calendar) {}

std::uint32_t Engine::State::symbol_slot(const Symbol& s) {
  if (const std::uint32_t found = symbol_index.find(s); found != detail::SymbolIndex::kAbsent) return found;
  const auto slot = static_cast<std::uint32_t>(symbols.size());
  detail::SymbolState st;
  st.symbol = s;
  st.instrument = registry.find(s);
  symbols.push_back(std::move(st));
  symbol_index.insert(s, slot);
  return slot;
}

namespace {

std::vector<detail::Track> tracks_for(const Rule& r) {
  std::vector<detail::Track> tracks;
  const std::vector<Symbol>& syms = r.headline_only() ? r.headline->symbols : r.symbols;
  for (const auto& s : syms) {
    detail::Track t;
    t.symbol = s;
    tracks.push_back(std::move(t));
  }
  // Breadth alerts and headline rules without symbols fire on a track of their own.
  if (std::holds_alternative<BreadthCondition>(r.trigger) || tracks.empty()) tracks.emplace_back();
  return tracks;
}

}  // namespace

std::vector<Alert> Engine::State::set_rules(std::shared_ptr<const RuleSet> next) {
  std::vector<Alert> notes;
  out = &notes;
  ++stats.reloads;
  const std::size_t old_count = rules ? rules->rules.size() : 0;
  std::vector<std::uint32_t> carried(old_count, kNone);  // old index -> new index
  if (rules && next) {
    for (std::uint32_t i = 0; i < old_count; ++i) {
      const Rule& old = rules->rules[i];
      if (auto j = next->rule_index(old.name); j && next->rules[*j].config_hash == old.config_hash)
        carried[i] = static_cast<std::uint32_t>(*j);
    }
  }
  // Alerts of rules that go away end now, rendered by the rules that made them.
  const Timestamp now = watermark.ms == std::numeric_limits<std::int64_t>::min() ? Timestamp{0} : watermark;
  std::vector<std::string> ending;
  for (const auto& [fp, a] : live)
    if (carried[a.rule] == kNone) ending.push_back(fp);
  for (const auto& fp : ending) resolve(fp, "rule_changed", std::max(now, live.count(fp) ? live[fp].alert.ts : now));

  std::vector<detail::RuleState> states(next ? next->rules.size() : 0);
  for (std::uint32_t i = 0; i < old_count; ++i)
    if (carried[i] != kNone) states[carried[i]] = std::move(rule_states[i]);
  for (std::size_t j = 0; j < states.size(); ++j) {
    if (states[j].tracks.empty()) states[j].tracks = tracks_for(next->rules[j]);
    states[j].counters = &counters[next->rules[j].name];  // std::map: the address is stable
  }
  for (auto& [fp, a] : live) a.rule = carried[a.rule];

  rules = std::move(next);
  rule_states = std::move(states);
  inhibitors.assign(rule_states.size(), {});
  max_within_ms = 0;
  if (rules) {
    for (std::uint32_t i = 0; i < rules->rules.size(); ++i) {
      const Rule& r = rules->rules[i];
      max_within_ms = std::max(max_within_ms, r.within_ms);
      for (const auto& target : r.inhibits)
        if (auto t = rules->rule_index(target)) inhibitors[*t].push_back(i);
    }
  }
  rebuild_watches();
  release_due = false;
  out = nullptr;
  return notes;
}

void Engine::State::rebuild_watches() {
  for (auto& st : symbols) {
    st.watches.clear();
    st.cursors.clear();
    st.is_benchmark = false;
  }
  if (!rules) return;
  for (std::uint32_t ri = 0; ri < rules->rules.size(); ++ri) {
    const Rule& r = rules->rules[ri];
    if (!r.has_trigger()) continue;
    for (std::uint32_t ti = 0; ti < r.symbols.size(); ++ti) {
      const std::uint32_t slot = symbol_slot(r.symbols[ti]);
      detail::Watch w{ri, ti};
      const MoveCondition* move = nullptr;
      if (const auto* m = std::get_if<MoveCondition>(&r.trigger)) move = m;
      if (const auto* b = std::get_if<BreadthCondition>(&r.trigger)) move = &b->move;
      if (move) {
        if (move->reference == Reference::Window) w.cursor = symbols[slot].cursor_for(move->window_ms);
        if (move->abnormal) {
          const auto* inst = symbols[slot].instrument;
          const std::optional<Symbol> bench = move->benchmark ? move->benchmark : inst ? inst->benchmark : std::nullopt;
          if (bench) {
            w.bench = symbol_slot(*bench);
            symbols[w.bench].is_benchmark = true;
            if (move->reference == Reference::Window) w.bench_cursor = symbols[w.bench].cursor_for(move->window_ms);
          }
        }
      }
      if (const auto* v = std::get_if<VolumeCondition>(&r.trigger)) {
        w.cursor = symbols[slot].cursor_for(v->window_ms);
        w.cursor2 = symbols[slot].cursor_for(v->window_ms + v->baseline_ms);
      }
      symbols[slot].watches.push_back(w);
    }
  }
  for (auto& st : symbols) {
    std::int64_t longest = 0;
    for (const auto& c : st.cursors) longest = std::max(longest, c.lookback_ms);
    st.series.set_retention(longest + kMsPerMinute);
  }
}

void Engine::State::new_day(detail::SymbolState& st, Date day, const Quote& q) {
  const auto& rs_rules = rules->rules;
  for (const auto& w : st.watches) {
    detail::Track& t = rule_states[w.rule].tracks[w.track];
    if (std::holds_alternative<BreadthCondition>(rs_rules[w.rule].trigger)) {
      set_member(w.rule, w.track, false, q.ts, st.last_clock);
    } else if (t.active) {
      t.active = false;
      condition_ended(w.rule, w.track, q.ts, st.last_clock);
    }
    t.at_limit = false;
    t.sealed = false;
  }
  if (st.has_quote) st.volume_before_today += st.volume_today;
  st.volume_today = 0;
  // Without a prev_close in the quote, yesterday's last price is today's reference.
  st.prev_close = q.prev_close ? q.prev_close : st.has_quote ? std::optional<Price>(st.last) : std::nullopt;
  st.open.reset();
  st.limits.reset();
  st.day = day;
  st.day_open_clock = clock.at(exchange_time(day, 0, 0));
  st.day_path.clear();  // after yesterday's alerts were resolved with it
}

// A quote's evaluation reads, for each rule watching the symbol, its track and the tick at the
// start of its window: a few dozen cache lines spread over megabytes (tracks, every symbol's
// series). Asking for all of them first lets their misses overlap each other and the
// bookkeeping before the loop, instead of stalling one after the other inside it.
void Engine::State::prefetch(const detail::SymbolState& st) const {
  st.series.prefetch_push();
  for (const auto& c : st.cursors) st.series.prefetch_at(c.position);
  for (const auto& w : st.watches) {
    const detail::Track* t = rule_states[w.rule].tracks.data() + w.track;
    __builtin_prefetch(&t->active);
    __builtin_prefetch(&t->prev_price);  // levels and limits read the fields near the end
  }
}

void Engine::State::on_quote(const Quote& q) {
  ++stats.quotes;
  advance_to(q.ts);
  const std::uint32_t slot = symbol_index.find(q.symbol);
  if (slot == detail::SymbolIndex::kAbsent || !rules) {
    ++stats.quotes_unwatched;
    return;
  }
  detail::SymbolState& st = symbols[slot];
  if (st.watches.empty() && !st.is_benchmark) {
    ++stats.quotes_unwatched;
    return;
  }
  if (st.has_quote && q.ts < st.last_ts) {
    ++stats.quotes_stale;
    return;
  }
  prefetch(st);
  const std::int64_t now_clock = clock.at(q.ts);
  const Date day = clock.trading_day(q.ts);
  if (day != st.day) new_day(st, day, q);
  if (q.prev_close && q.prev_close != st.prev_close) {
    st.prev_close = q.prev_close;
    st.limits.reset();
  }
  if (q.open)
    st.open = q.open;
  else if (!st.open && clock.calendar().is_open(q.ts) && !is_opening_call(clock.calendar().phase_at(q.ts)))
    st.open = q.last;
  if (const auto named_st = feeds::special_treatment_in_name(q.name); named_st && named_st != st.special_treatment) {
    st.special_treatment = named_st;
    st.limits.reset();
  }
  if (!st.limits && st.prev_close && st.instrument)
    st.limits = price_limits(*st.instrument, *st.prev_close, day,
                             st.special_treatment.value_or(st.instrument->special_treatment));
  if (indicative(q.ts)) return on_indicative_quote(st, q, now_clock);
  if (q.volume && *q.volume >= 0) st.volume_today = *q.volume;
  st.bid = q.bid;
  st.ask = q.ask;
  st.last = q.last;
  st.last_ts = q.ts;
  st.last_clock = now_clock;
  st.has_quote = true;
  st.series.push({now_clock, q.last, st.volume_before_today + st.volume_today, q.ts});
  if (st.day_path.size() >= 2 && st.day_path.back().first.ms / kMsPerMinute == q.ts.ms / kMsPerMinute)
    st.day_path.back() = {q.ts, q.last};
  else
    st.day_path.emplace_back(q.ts, q.last);
  for (const auto& w : st.watches) evaluate(st, w);
}

// 09:15-09:20 the opening call still takes cancellations: its prices are indicative.
bool Engine::State::indicative(Timestamp t) const {
  constexpr std::int64_t kFrom = (9 * 60 + 15) * kMsPerMinute;
  constexpr std::int64_t kTo = (9 * 60 + 20) * kMsPerMinute;
  const std::int64_t ms = exchange_ms_of_day(t);
  return ms >= kFrom && ms < kTo && clock.calendar().phase_at(t) == SessionPhase::OpeningCall;
}

// An indicative price is no trade: it does not enter the series (a 09:17 price must not be the
// baseline of a 15-minute move at 09:32), the day's path, the volume or the last price the other
// rules read. Rules with `session: opening_call` see it as their latest price, for this quote
// only. The display's last price comes from the store, not from here.
void Engine::State::on_indicative_quote(detail::SymbolState& st, const Quote& q, std::int64_t now_clock) {
  ++stats.quotes_opening_call;
  auto wants = [&](const detail::Watch& w) { return rules->rules[w.rule].session == Session::OpeningCall; };
  if (std::none_of(st.watches.begin(), st.watches.end(), wants)) return;
  const Price last = st.last;
  const Timestamp last_ts = st.last_ts;
  const std::int64_t last_clock = st.last_clock;
  const bool had_quote = st.has_quote;
  st.last = q.last;
  st.last_ts = q.ts;
  st.last_clock = now_clock;
  st.has_quote = true;
  for (const auto& w : st.watches)
    if (wants(w)) evaluate(st, w);
  st.last = last;
  st.last_ts = last_ts;
  st.last_clock = last_clock;
  st.has_quote = had_quote;
}

void Engine::State::advance_to(Timestamp t) {
  if (t > watermark) watermark = t;
  // Due timers in order of their due time; handling one may add others (never at or before now
  // for the same deadline, so this ends).
  while (!timers.empty() && timers.begin()->first <= watermark) {
    auto node = timers.extract(timers.begin());
    run_timer(node.mapped(), watermark);
  }
}

void Engine::State::run_timer(const std::string& fp, Timestamp now) {
  if (!rules) return;
  if (fp.empty()) {  // housekeeping
    housekeeping_scheduled = false;
    prune_headlines();
    if (!headlines.empty()) schedule_housekeeping(Timestamp{now.ms + kMsPerMinute});
    return;
  }
  auto find = [&]() -> detail::LiveAlert* {
    auto it = live.find(fp);
    return it == live.end() ? nullptr : &it->second;
  };
  detail::LiveAlert* a = find();
  if (!a) return;  // resolved since: the entry is stale
  if (a->flush_at) {
    if (*a->flush_at <= now) flush_group(fp, now);
    return;
  }
  if (a->explanation_pending && now >= a->explain_due) {
    const std::int64_t seen = clock.at(Timestamp{now.ms - rules->settings.allowed_lateness_ms});
    if (seen >= a->explain_deadline_clock) {
      finalize_explanation(*a, now);
      if (!(a = find())) return;
    } else {
      // Trading time passes no faster than clock time: a safe moment to look again.
      schedule(Timestamp{now.ms + std::max<std::int64_t>(a->explain_deadline_clock - seen, 1)}, fp);
    }
  }
  if (a->resolve_pending_at && *a->resolve_pending_at <= now) return resolve(fp, "condition", *a->resolve_pending_at);
  if (a->resolve_at && *a->resolve_at <= now) return resolve(fp, "expired", *a->resolve_at);
  if (a->close_at && *a->close_at <= now) return resolve(fp, "close", *a->close_at);
  if (a->hold == detail::Hold::Silenced) {
    deliver(*a, now);
    if (!(a = find())) return;
  }
  const Rule& r = rules->rules[a->rule];
  if (r.repeat_ms > 0 && a->notified && a->hold == detail::Hold::None && a->group.empty() &&
      a->last_notified.ms + r.repeat_ms <= now.ms)
    notify(*a, NotificationKind::Repeat, now);
}

// ---------------------------------------------------------------------------------------------

Engine::Engine(const InstrumentRegistry& registry, const TradingCalendar& calendar)
    : state_(std::make_unique<State>(registry, calendar)) {}
Engine::~Engine() = default;

std::vector<Alert> Engine::set_rules(std::shared_ptr<const RuleSet> rules) {
  return state_->set_rules(std::move(rules));
}
const std::shared_ptr<const RuleSet>& Engine::rules() const { return state_->rules; }

std::vector<Alert> Engine::on_quote(const Quote& quote) {
  return state_->collect([&] { state_->on_quote(quote); });
}

std::vector<Alert> Engine::on_headline(const Headline& headline) {
  return state_->collect([&] { state_->on_headline(headline); });
}

std::vector<Alert> Engine::advance(Timestamp now) {
  return state_->collect([&] { state_->advance_to(now); });
}

HeadlineMatch Engine::classify(Headline& headline) const {
  if (!state_->rules) return {};
  HeadlineMatch m = state_->rules->classify(headline);
  for (const auto& t : m.tags)
    if (std::find(headline.tags.begin(), headline.tags.end(), t) == headline.tags.end()) headline.tags.push_back(t);
  for (const auto& s : m.mentioned)
    if (std::find(headline.symbols.begin(), headline.symbols.end(), s) == headline.symbols.end())
      headline.symbols.push_back(s);
  return m;
}

Result<std::string> Engine::add_silence(Silence silence, Timestamp now) {
  return state_->silences.add(std::move(silence), now);
}

Status Engine::expire_silence(std::string_view id, Timestamp now) {
  auto status = state_->silences.expire(id, now);
  if (status)  // what it held may go out at the next event or advance
    for (const auto& [fp, a] : state_->live)
      if (a.hold == detail::Hold::Silenced) state_->schedule(now, fp);
  return status;
}

const SilenceBook& Engine::silences() const { return state_->silences; }

std::vector<Alert> Engine::firing() const {
  std::vector<Alert> out;
  for (const auto& [fp, a] : state_->live)
    if (a.notified && a.hold == detail::Hold::None && a.alert.state == AlertState::Firing) out.push_back(a.alert);
  return out;
}

RuleCounters Engine::counters(std::string_view rule) const {
  auto it = state_->counters.find(std::string(rule));
  return it == state_->counters.end() ? RuleCounters{} : it->second;
}

const EngineStats& Engine::stats() const { return state_->stats; }
Timestamp Engine::watermark() const { return state_->watermark; }

}  // namespace lodestone::rules
