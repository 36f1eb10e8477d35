// Whether an alert may fire (expiry, session, frequency, cooldown), firing it with the headlines
// that explain it, and the end of the wait for an explanation.
#include <algorithm>

#include "engine_state.hpp"
#include "lodestone/rules/alert_identity.hpp"

namespace lodestone::rules {

using detail::Firing;
using detail::Hold;
using detail::LiveAlert;
using detail::StoredHeadline;
using detail::Track;

bool Engine::State::in_session(Session s, Timestamp t) const {
  switch (s) {
    case Session::Any:
    case Session::OpeningCall:
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
    // Trigger-only rules: is there news around the move, before or already after it? The
    // window is kept either way: news that explains it now may be withdrawn within it.
    a.move_clock = f.clock;
    a.explain_deadline_clock = f.clock + r.within_ms;
    a.explain_due = Timestamp{f.ts.ms + r.within_ms + rules->settings.allowed_lateness_ms};
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
