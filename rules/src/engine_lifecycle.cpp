// An alert's life: whether it may fire, whether it is held back (inhibited, silenced, grouped,
// waiting to be called unexplained), its notifications and its end.
#include <algorithm>

#include "engine_state.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {

using detail::Firing;
using detail::Hold;
using detail::kNone;
using detail::LiveAlert;
using detail::StoredHeadline;
using detail::Track;

namespace {

// Points in an alert's price path: enough to draw the window, small enough for every alert.
constexpr std::size_t kPathPoints = 64;

std::string joined(const std::vector<std::string>& items, std::string_view sep = ",") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::string joined(const std::vector<Symbol>& items, std::string_view sep = ",") {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += i.str();
  }
  return out;
}

std::string clock_text(Timestamp t, std::size_t length) { return format_timestamp(t).substr(11, length); }

}  // namespace

bool Engine::State::in_session(Session s, Timestamp t) const {
  switch (s) {
    case Session::Any:
      return true;
    case Session::TradingHours:
      return clock.calendar().is_open(t);
    case Session::Continuous:
      return clock.calendar().is_continuous(t);
  }
  return true;
}

LiveAlert* Engine::State::fire(std::uint32_t rule, std::uint32_t track, const std::string& headline_key,
                               std::int64_t occurrence_ms, const Firing& f,
                               const std::vector<const StoredHeadline*>& evidence) {
  const Rule& r = rules->rules[rule];
  Track& t = rule_states[rule].tracks[track];
  RuleCounters& c = counters_of(rule);
  const std::string fp = alert_fingerprint(r.name, t.symbol ? t.symbol->str() : "", headline_key, occurrence_ms);
  if (live.count(fp)) return nullptr;  // already firing: the same alert again is not news
  if (r.expires && f.ts >= *r.expires) {
    ++c.frequency;
    return nullptr;
  }
  if (!in_session(r.session, f.ts)) {
    ++c.session;
    return nullptr;
  }
  const Date day = clock.trading_day(f.ts);
  const std::int64_t block = r.interval_ms > 0 ? (f.ts.ms + kExchangeUtcOffsetMs) / r.interval_ms : 0;
  if ((r.frequency == Frequency::Once && t.fired_ever) ||
      (r.frequency == Frequency::OncePerDay && t.last_fired_day == day) ||
      (r.frequency == Frequency::OncePerInterval && t.last_fired_block == block)) {
    ++c.frequency;
    return nullptr;
  }
  if (r.cooldown_ms > 0 && t.last_fired && f.ts.ms - t.last_fired->ms < r.cooldown_ms) {
    ++c.cooldown;
    return nullptr;
  }
  LiveAlert a;
  a.fingerprint = fp;
  a.rule = rule;
  a.track = track;
  a.facts = f.facts;
  a.alert.rule = r.name;
  a.alert.severity = r.severity;
  a.alert.state = AlertState::Firing;
  a.alert.symbol = t.symbol;
  a.alert.ts = f.ts;
  a.alert.move = f.evidence;
  a.path = f.path;
  for (const auto* h : evidence) attach_headline(a, *h);
  if (r.headline) {
    a.alert.explained = true;
  } else {
    // Trigger-only rules: is there news around the move, before or already after it?
    std::vector<const StoredHeadline*> why;
    for (const auto& h : headlines)
      if (std::abs(h.clock - f.clock) <= r.within_ms && explains(r, h, t.symbol)) why.push_back(&h);
    std::stable_sort(why.begin(), why.end(), [&](const StoredHeadline* x, const StoredHeadline* y) {
      return std::abs(x->clock - f.clock) < std::abs(y->clock - f.clock);
    });
    if (!why.empty()) {
      if (r.unexplained_only) return nullptr;  // explained: not this rule's business
      for (const auto* h : why) attach_headline(a, *h);
      a.alert.explained = true;
    } else {
      a.alert.explained = false;
      a.explanation_pending = true;
      a.move_clock = f.clock;
      a.explain_deadline_clock = f.clock + r.within_ms;
      a.explain_due = Timestamp{f.ts.ms + r.within_ms + rules->settings.allowed_lateness_ms};
      schedule(a.explain_due, fp);
    }
  }
  if (r.headline_only() || f.one_off) {
    a.resolve_at = Timestamp{f.ts.ms + r.resolve_after_ms};
    schedule(*a.resolve_at, fp);
  } else {
    a.condition_bound = true;
  }
  if (r.has_trigger() && f.day_bound) {
    a.close_at = std::max(clock.close_of(day), f.ts);
    schedule(*a.close_at, fp);
  }
  // An unexplained-only candidate counts against cooldown and frequency once it is told.
  if (!r.unexplained_only) {
    t.last_fired = f.ts;
    t.last_fired_day = day;
    t.last_fired_block = block;
    t.fired_ever = true;
  }
  ++c.fired;
  t.live.push_back(fp);
  LiveAlert& stored = live.emplace(fp, std::move(a)).first->second;
  set_labels(stored);
  if (r.unexplained_only) {
    stored.hold = Hold::AwaitingExplanation;
    return &stored;
  }
  deliver(stored, f.ts);
  return &stored;
}

void Engine::State::attach_headline(LiveAlert& a, const StoredHeadline& h) {
  if (std::find(a.headline_keys.begin(), a.headline_keys.end(), h.key) != a.headline_keys.end()) return;
  a.headline_keys.push_back(h.key);
  a.alert.headlines.push_back(HeadlineRef{h.headline.id, h.headline.title, h.headline.source, h.headline.ts});
  if (a.headline_keys.size() == 1) {
    a.match = h.match;
    return;
  }
  for (const auto& k : h.match.keywords)
    if (std::find(a.match.keywords.begin(), a.match.keywords.end(), k) == a.match.keywords.end())
      a.match.keywords.push_back(k);
  for (const auto& t : h.match.tags)
    if (std::find(a.match.tags.begin(), a.match.tags.end(), t) == a.match.tags.end()) a.match.tags.push_back(t);
  if (a.match.direction == Direction::None)
    a.match.direction = h.match.direction;
  else if (h.match.direction != Direction::None && h.match.direction != a.match.direction)
    a.match.direction = Direction::Mixed;
}

bool Engine::State::inhibited(const LiveAlert& a) const {
  for (std::uint32_t source : inhibitors[a.rule]) {
    const Rule& src = rules->rules[source];
    for (const auto& track : rule_states[source].tracks) {
      for (const auto& fp : track.live) {
        const auto it = live.find(fp);
        if (it == live.end() || it->second.hold == Hold::AwaitingExplanation) continue;
        const LiveAlert& l = it->second;
        // A sector-level alert (no symbol) covers its rule's symbols; a per-symbol one, its own.
        const bool covers = !a.alert.symbol  ? true
                            : l.alert.symbol ? *l.alert.symbol == *a.alert.symbol
                                             : src.symbols.empty() || std::find(src.symbols.begin(), src.symbols.end(),
                                                                                *a.alert.symbol) != src.symbols.end();
        if (covers) return true;
      }
    }
  }
  return false;
}

void Engine::State::deliver(LiveAlert& a, Timestamp now) {
  const Rule& r = rules->rules[a.rule];
  RuleCounters& c = counters_of(a.rule);
  if (inhibited(a)) {
    if (a.hold != Hold::Inhibited) ++c.inhibited;
    a.hold = Hold::Inhibited;
    return;
  }
  set_labels(a);
  if (const Silence* s = silences.silencing(a.alert.labels, now)) {
    if (a.hold != Hold::Silenced) ++c.silenced;
    a.hold = Hold::Silenced;
    schedule(s->ends_at, a.fingerprint);
    return;
  }
  if (r.group_wait_ms > 0 && a.members.empty()) {
    detail::RuleState& rs = rule_states[a.rule];
    auto g = live.find(rs.open_group);
    if (g == live.end() || !g->second.flush_at || *g->second.flush_at <= now) {
      LiveAlert group;
      group.fingerprint = alert_fingerprint(r.name, "group", "", a.alert.ts.ms);
      group.rule = a.rule;
      group.alert = a.alert;
      group.alert.symbol.reset();
      group.flush_at = Timestamp{now.ms + r.group_wait_ms};
      schedule(*group.flush_at, group.fingerprint);
      rs.open_group = group.fingerprint;
      g = live.emplace(group.fingerprint, std::move(group)).first;
    }
    g->second.members.push_back(a.fingerprint);
    a.group = g->first;
    a.hold = Hold::Grouped;
    ++c.grouped;
    return;
  }
  a.hold = Hold::None;
  a.alert.ts = now;
  notify(a, NotificationKind::Firing, now);
}

void Engine::State::set_labels(LiveAlert& a) {
  const Rule& r = rules->rules[a.rule];
  auto& l = a.alert.labels;
  l = r.labels;
  l["rule"] = r.name;
  l["severity"] = std::string(to_string(r.severity));
  l["fingerprint"] = a.fingerprint;
  if (a.alert.symbol) l["symbol"] = a.alert.symbol->str();
  if (a.alert.explained) {
    l["explanation"] = *a.alert.explained ? "headline" : a.explanation_pending ? "pending" : "none";
  }
  if (!a.match.keywords.empty()) l["keywords"] = joined(a.match.keywords);
  if (!a.match.tags.empty()) l["tags"] = joined(a.match.tags);
  if (a.match.direction != Direction::None) l["direction"] = std::string(to_string(a.match.direction));
  if (!a.facts.symbols.empty()) l["symbols"] = joined(a.facts.symbols);
  if (!a.members.empty()) l["group_size"] = std::to_string(a.members.size());
  if (!a.reason.empty()) l["reason"] = a.reason;
}

void Engine::State::render(LiveAlert& a) {
  const Rule& r = rules->rules[a.rule];
  if (!a.members.empty()) return;  // a group alert keeps the message it was notified with
  const Instrument* inst = a.alert.symbol ? registry.find(*a.alert.symbol) : nullptr;
  const int decimals = a.alert.move ? a.alert.move->price_decimals : inst ? inst->price_decimals() : 2;
  const auto& move = a.alert.move;
  const HeadlineRef* h = a.alert.headlines.empty() ? nullptr : &a.alert.headlines.front();
  a.alert.message = r.message.render([&](Placeholder p) -> std::string {
    switch (p) {
      case Placeholder::Symbol:
        return a.alert.symbol ? a.alert.symbol->str() : r.symbols_name.empty() ? r.name : r.symbols_name;
      case Placeholder::Name:
        return inst ? inst->name : std::string();
      case Placeholder::ChangePct:
        return move ? format_centipct(move->change_centipct) : std::string();
      case Placeholder::Window:
        return move ? move->window : std::string();
      case Placeholder::From:
        return move ? move->from.format(decimals) : std::string();
      case Placeholder::To:
        return move ? move->to.format(decimals) : a.facts.last ? a.facts.last->format(decimals) : std::string();
      case Placeholder::AbnormalPct:
        return move && move->abnormal_centipct ? format_centipct(*move->abnormal_centipct) : std::string();
      case Placeholder::Benchmark:
        return a.facts.benchmark ? a.facts.benchmark->str() : std::string();
      case Placeholder::Headline:
        return h ? h->title : std::string();
      case Placeholder::Source:
        return h ? h->source : std::string();
      case Placeholder::HeadlineTime:
        return h ? clock_text(h->ts, 5) : std::string();
      case Placeholder::Keywords:
        return joined(a.match.keywords, ", ");
      case Placeholder::Tags:
        return joined(a.match.tags, ", ");
      case Placeholder::Direction:
        return std::string(to_string(a.match.direction));
      case Placeholder::Level:
        if (a.facts.level && a.facts.level_high)
          return a.facts.level->format(decimals) + "-" + a.facts.level_high->format(decimals);
        return a.facts.level ? a.facts.level->format(decimals) : std::string();
      case Placeholder::Limit:
        return a.facts.limit ? a.facts.limit->format(decimals) : std::string();
      case Placeholder::VolumeRatio:
        return a.facts.volume_ratio ? format_centipct(*a.facts.volume_ratio) : std::string();
      case Placeholder::Count:
        return std::to_string(a.facts.count);
      case Placeholder::Total:
        return std::to_string(a.facts.total);
      case Placeholder::Symbols:
        return joined(a.facts.symbols, ", ");
      case Placeholder::Rule:
        return r.name;
      case Placeholder::Severity:
        return std::string(to_string(r.severity));
      case Placeholder::Time:
        return clock_text(a.alert.ts, 8);
      case Placeholder::Explained:
        if (!a.alert.explained) return std::string();
        return *a.alert.explained ? "explained" : a.explanation_pending ? "unexplained so far" : "unexplained";
    }
    return std::string();
  });
}

void Engine::State::notify(LiveAlert& a, NotificationKind kind, Timestamp now) {
  RuleCounters& c = counters_of(a.rule);
  int sequence = 0;
  switch (kind) {
    case NotificationKind::Firing:
      a.notified = true;
      ++c.notified;
      break;
    case NotificationKind::Update:
      sequence = ++a.updates;
      ++c.updated;
      break;
    case NotificationKind::Repeat:
      sequence = ++a.repeats;
      ++c.repeated;
      break;
    case NotificationKind::Resolved:
      a.alert.state = AlertState::Resolved;
      ++c.resolved;
      break;
  }
  if (kind != NotificationKind::Firing) a.alert.ts = now;
  set_labels(a);
  render(a);
  a.alert.id = notification_id(a.fingerprint, kind, sequence);
  if (a.alert.move && a.path.slot != kNone) {
    const detail::SymbolState& st = symbols[a.path.slot];
    if (a.path.day) {
      a.alert.move->path.clear();
      detail::for_each_sample(st.day_path.size(), kPathPoints,
                              [&](std::uint64_t i) { a.alert.move->path.push_back(st.day_path[i]); });
    } else {
      a.alert.move->path = st.series.path(a.path.from_clock, kPathPoints);
    }
  }
  a.last_notified = now;
  if (kind == NotificationKind::Firing || kind == NotificationKind::Repeat)
    if (const auto repeat = rules->rules[a.rule].repeat_ms; repeat > 0)
      schedule(Timestamp{now.ms + repeat}, a.fingerprint);
  if (out) out->push_back(a.alert);
}

void Engine::State::discard(const std::string& fp) {
  auto it = live.find(fp);
  if (it == live.end()) return;
  if (it->second.track != kNone && it->second.rule < rule_states.size()) {
    auto& tracks = rule_states[it->second.rule].tracks;
    if (it->second.track < tracks.size()) {
      auto& l = tracks[it->second.track].live;
      l.erase(std::remove(l.begin(), l.end(), fp), l.end());
    }
  }
  live.erase(it);
}

void Engine::State::resolve(const std::string& fp, std::string_view reason, Timestamp now) {
  auto it = live.find(fp);
  if (it == live.end()) return;
  LiveAlert& a = it->second;
  a.reason = std::string(reason);
  if (a.notified) notify(a, NotificationKind::Resolved, std::max(now, a.alert.ts));
  const std::string group = a.group;
  const std::vector<std::string> members = a.members;
  const bool inhibits = !rules->rules[a.rule].inhibits.empty();
  discard(fp);
  for (const auto& m : members) {
    auto mi = live.find(m);
    if (mi != live.end()) mi->second.group.clear();
  }
  if (!group.empty()) {
    auto gi = live.find(group);
    if (gi != live.end() && !gi->second.flush_at) {
      const auto& ms = gi->second.members;
      if (std::none_of(ms.begin(), ms.end(), [&](const std::string& m) { return live.count(m) > 0; }))
        resolve(group, reason, now);
    }
  }
  // Muted alerts are reconsidered once the whole event has been evaluated, so an alert whose
  // condition ends on the same quote as its inhibitor's is not notified only to resolve.
  if (inhibits) release_due = true;
}

void Engine::State::release_holds(Timestamp now) {
  std::vector<std::string> held;
  for (std::uint32_t r = 0; r < rule_states.size(); ++r) {
    if (inhibitors[r].empty()) continue;
    for (const auto& track : rule_states[r].tracks)
      for (const auto& fp : track.live)
        if (auto it = live.find(fp); it != live.end() && it->second.hold == Hold::Inhibited) held.push_back(fp);
  }
  for (const auto& fp : held) {
    auto it = live.find(fp);
    if (it != live.end() && !inhibited(it->second)) deliver(it->second, now);
  }
}

void Engine::State::flush_group(const std::string& fp, Timestamp now) {
  auto it = live.find(fp);
  if (it == live.end()) return;
  LiveAlert& g = it->second;
  g.flush_at.reset();
  detail::RuleState& rs = rule_states[g.rule];
  if (rs.open_group == fp) rs.open_group.clear();
  // group_wait also gives a sector-level alert time to arrive and mute the burst it explains.
  std::vector<std::string> alive;
  for (const auto& m : g.members) {
    auto mi = live.find(m);
    if (mi == live.end()) continue;
    if (inhibited(mi->second)) {
      mi->second.group.clear();
      mi->second.hold = Hold::Inhibited;
      ++counters_of(mi->second.rule).inhibited;
      continue;
    }
    alive.push_back(m);
  }
  if (alive.empty()) {  // a burst that was over before anyone was told: nothing to say
    discard(fp);
    return;
  }
  if (alive.size() == 1) {
    LiveAlert& only = live.at(alive.front());
    only.group.clear();
    only.hold = Hold::None;
    discard(fp);
    notify(live.at(alive.front()), NotificationKind::Firing, now);
    return;
  }
  g.members = alive;
  g.alert.headlines.clear();
  g.headline_keys.clear();
  g.facts = detail::AlertFacts{};
  bool all_explained = true;
  for (const auto& m : alive) {
    const LiveAlert& member = live.at(m);
    if (member.alert.symbol) g.facts.symbols.push_back(*member.alert.symbol);
    for (std::size_t i = 0; i < member.headline_keys.size(); ++i) {
      if (std::find(g.headline_keys.begin(), g.headline_keys.end(), member.headline_keys[i]) != g.headline_keys.end())
        continue;
      g.headline_keys.push_back(member.headline_keys[i]);
      g.alert.headlines.push_back(member.alert.headlines[i]);
    }
    all_explained = all_explained && member.alert.explained.value_or(true);
  }
  LiveAlert& first = live.at(alive.front());
  render(first);
  g.alert.message = first.alert.message + " (+" + std::to_string(alive.size() - 1) + " more: ";
  for (std::size_t i = 1; i < alive.size(); ++i) {
    const auto& sym = live.at(alive[i]).alert.symbol;
    g.alert.message += (i > 1 ? ", " : "") + (sym ? sym->str() : std::string("-"));
  }
  g.alert.message += ")";
  g.alert.move = first.alert.move;
  g.match = first.match;
  if (first.alert.explained) g.alert.explained = all_explained;
  g.alert.ts = now;
  g.hold = Hold::None;
  notify(g, NotificationKind::Firing, now);
}

void Engine::State::finalize_explanation(LiveAlert& a, Timestamp now) {
  a.explanation_pending = false;
  a.alert.explained = false;
  set_labels(a);
  if (a.hold != Hold::AwaitingExplanation) return;  // the resolved message will carry the label
  // An unexplained move is a finding about the past `within`: it is told now and ends by time,
  // whether or not the move is still on.
  const Rule& r = rules->rules[a.rule];
  Track& t = rule_states[a.rule].tracks[a.track];
  const Date day = clock.trading_day(now);
  const std::int64_t block = r.interval_ms > 0 ? (now.ms + kExchangeUtcOffsetMs) / r.interval_ms : 0;
  if ((r.cooldown_ms > 0 && t.last_fired && now.ms - t.last_fired->ms < r.cooldown_ms) ||
      (r.frequency == Frequency::Once && t.fired_ever) ||
      (r.frequency == Frequency::OncePerDay && t.last_fired_day == day) ||
      (r.frequency == Frequency::OncePerInterval && t.last_fired_block == block)) {
    ++(r.cooldown_ms > 0 ? counters_of(a.rule).cooldown : counters_of(a.rule).frequency);
    discard(a.fingerprint);
    return;
  }
  t.last_fired = now;
  t.last_fired_day = day;
  t.last_fired_block = block;
  t.fired_ever = true;
  a.hold = Hold::None;
  a.condition_bound = false;
  a.resolve_at = Timestamp{now.ms + r.resolve_after_ms};
  schedule(*a.resolve_at, a.fingerprint);
  deliver(a, now);
}

}  // namespace lodestone::rules
